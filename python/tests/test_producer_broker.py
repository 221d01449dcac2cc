"""The binding against the real broker: what produce(), send_sync() and
create_topic() write is what Kafka's Java consumer reads back."""
import threading

import sluice
from conftest import java_read


def test_produce_every_bytes_like_type_and_read_it_back_with_java(bootstrap, topic_name):
    p = sluice.Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    assert p.create_topic(topic_name, num_partitions=1, replication_factor=1) is True
    assert p.create_topic(topic_name, num_partitions=1, replication_factor=1) is False  # exists already
    sent = [("text é", "k-str"), (b"\x00bytes\xff", b"k-bytes"), (bytearray(b"array"), bytearray(b"k-array")),
            (memoryview(b"xxviewxx")[2:6], memoryview(b"k-view")), (None, None)]
    reports = []
    for value, key in sent:
        p.produce(topic_name, value=value, key=key, headers=[("h", b"1"), ("n", None)],
                  on_delivery=lambda err, r: reports.append((threading.get_ident(), err, r)))
    assert len(p) == len(sent)
    assert p.flush(30) == 0 and len(p) == 0
    assert [r[1] for r in reports] == [None] * len(sent)
    assert {r[0] for r in reports} == {threading.get_ident()}
    assert [r[2].offset for r in reports] == list(range(len(sent)))
    assert all(r[2].ok and r[2].partition == 0 and r[2].topic == topic_name for r in reports)

    records = java_read(bootstrap, topic_name)
    as_bytes = lambda v: None if v is None else (v.encode() if isinstance(v, str) else bytes(v))
    assert [(r["value"], r["key"]) for r in records] == [(as_bytes(v), as_bytes(k)) for v, k in sent]
    assert all(r["headers"] == [(b"h", b"1"), (b"n", None)] for r in records)
    p.close()


def test_send_sync_reports_partition_offset_and_timestamp(bootstrap, topic_name):
    # max.block.ms: how long a record for a partition beyond the count waits for it to appear.
    p = sluice.Producer({"bootstrap.servers": bootstrap, "max.block.ms": 2000})
    p.create_topic(topic_name, num_partitions=3, replication_factor=1)
    first = p.send_sync(topic_name, value=b"v", key="k", partition=2, timestamp=1700000000123)
    second = p.send_sync(topic_name, value="w", partition=2)
    assert first.ok and first.error is None and first.error_code == 0 and first.error_category == ""
    assert (first.topic, first.partition, first.offset) == (topic_name, 2, 0)
    assert first.timestamp == 1700000000123
    assert (second.partition, second.offset) == (2, 1)
    bad = p.send_sync(topic_name, value=b"v", partition=7)
    assert not bad.ok and "7" in bad.error and topic_name in bad.error and not bad.outcome_unknown
    records = java_read(bootstrap, topic_name)
    assert [(r["partition"], r["offset"], r["key"], r["value"], r["ts"]) for r in records][:1] == [
        (2, 0, b"k", b"v", 1700000000123)]
    p.close()


def test_many_records_with_callbacks_in_order_per_partition(bootstrap, topic_name):
    p = sluice.Producer({"bootstrap.servers": bootstrap})
    p.create_topic(topic_name, num_partitions=4, replication_factor=1)
    offsets = {}
    errors = []

    def on_delivery(err, r):
        if err:
            errors.append(err)
        offsets.setdefault(r.partition, []).append(r.offset)

    n = 20000
    for i in range(n):
        p.produce(topic_name, value=b"x" * 100, key=str(i), on_delivery=on_delivery)
        if i % 1000 == 0:
            p.poll(0)
    assert p.flush(60) == 0
    assert errors == []
    assert sum(len(v) for v in offsets.values()) == n
    for partition, got in offsets.items():
        assert got == list(range(len(got))), partition  # reports in send order, offsets dense
    assert len(offsets) == 4
    p.close()


def test_create_topic_refused_raises_kafka_exception(bootstrap):
    p = sluice.Producer({"bootstrap.servers": bootstrap})
    try:
        p.create_topic("bad/name", num_partitions=1, replication_factor=1)
    except sluice.KafkaException as e:
        assert "bad/name" in str(e)
    else:
        raise AssertionError("an invalid topic name was accepted")
    p.close()


def test_delivery_report_only_error_calls_on_delivery_for_failures_only(bootstrap, topic_name):
    # librdkafka's (and confluent-kafka's) delivery.report.only.error: the
    # acknowledged records' callbacks are dropped, a failed record's runs;
    # len() and flush() still account for every record. The control without
    # the setting calls back for every record.
    def run(only_errors):
        p = sluice.Producer({"bootstrap.servers": bootstrap, "delivery.report.only.error": only_errors,
                             "message.max.bytes": 10000})
        calls = []
        for i in range(5):
            p.produce(topic_name, value=b"v%d" % i, partition=0, on_delivery=lambda err, r: calls.append(err))
        # Over message.max.bytes: refused at once, reported as failed.
        p.produce(topic_name, value=b"x" * 20000, partition=0, on_delivery=lambda err, r: calls.append(err))
        assert p.flush(30) == 0 and len(p) == 0
        p.close()
        return calls

    only_failed = run(True)
    assert len(only_failed) == 1 and only_failed[0] is not None
    every = run(False)
    # The refusal is reported at once, before the acknowledgements.
    assert len(every) == 6 and every.count(None) == 5
    assert len(java_read(bootstrap, topic_name)) == 10
