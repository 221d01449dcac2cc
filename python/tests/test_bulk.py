"""Producer.bulk(): C++ bulk_send() over a Python iterable."""
import itertools

import pytest

import sluice
from conftest import NOWHERE, java_read


def test_bulk_sends_every_row_and_summarizes(bootstrap, topic_name):
    p = sluice.Producer({"bootstrap.servers": bootstrap})
    p.create_topic(topic_name, num_partitions=3, replication_factor=1)
    rows = ((f"k{i}", b"v%d" % i) for i in range(10000))  # a generator: read once
    s = p.bulk(rows, topic_name, key=0, value=1)
    assert (s.records, s.sent, s.acknowledged, s.failed, s.outcome_unknown, s.pending) == (10000, 10000, 10000, 0, 0, 0)
    assert s.all_acknowledged and s.errors == [] and not s.timed_out and s.elapsed > 0
    records = java_read(bootstrap, topic_name)
    assert sorted((r["key"], r["value"]) for r in records) == sorted(
        ((b"k%d" % i), (b"v%d" % i)) for i in range(10000))
    p.close()


def test_bulk_fields_by_name_callable_and_the_row_itself(bootstrap, topic_name):
    p = sluice.Producer({"bootstrap.servers": bootstrap})
    p.create_topic(topic_name, num_partitions=2, replication_factor=1)
    rows = [{"id": "a", "body": "x", "p": 1, "h": [("src", b"t")], "ts": 1700000000000}]
    s = p.bulk(rows, topic_name, key="id", value=lambda r: r["body"].upper(), partition="p", headers="h",
               timestamp="ts")
    assert s.all_acknowledged
    s = p.bulk([b"raw1", "raw2"], topic_name, partition=lambda r: 0)
    assert s.all_acknowledged and s.records == 2
    records = java_read(bootstrap, topic_name)
    got = {(r["partition"], r["key"], r["value"]) for r in records}
    assert got == {(1, b"a", b"X"), (0, None, b"raw1"), (0, None, b"raw2")}
    assert [r for r in records if r["partition"] == 1][0]["ts"] == 1700000000000
    p.close()


def test_rows_that_give_no_record_fail_alone_with_their_reason():
    p = sluice.Producer({"bootstrap.servers": NOWHERE, "max.block.ms": 200})
    rows = [{"v": 1}, {"x": b"no v"}, {"v": [b"list"]}]
    s = p.bulk(rows, "t", value="v")
    assert (s.records, s.sent, s.failed, s.acknowledged) == (3, 0, 3, 0)
    assert [e.index for e in s.errors] == [0, 1, 2]
    assert "topic 't', value of row 0: TypeError: value must be str" in s.errors[0].error
    assert "KeyError" in s.errors[1].error and "row 1" in s.errors[1].error
    assert "list" in s.errors[2].error
    assert not any(e.outcome_unknown for e in s.errors)
    s = p.bulk(range(20), "t", value=str, max_errors=5)
    assert s.failed == 20 and len(s.errors) == 5  # unreachable: every record failed, the 5 first kept
    p.close(0)


def test_an_exception_from_the_iterable_propagates():
    p = sluice.Producer({"bootstrap.servers": NOWHERE, "max.block.ms": 200})

    def rows():
        yield b"1"
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        p.bulk(rows(), "t")
    with pytest.raises(TypeError, match="not iterable"):
        p.bulk(5, "t")
    with pytest.raises(TypeError, match="a field must be given as"):
        p.bulk([], "t", key=1.5)
    p.close(0)


def test_bulk_of_nothing(bootstrap):
    p = sluice.Producer({"bootstrap.servers": bootstrap})
    s = p.bulk(itertools.chain(), "unused")
    assert (s.records, s.acknowledged) == (0, 0) and s.all_acknowledged
    p.close()


def test_bulk_arrow_sends_from_arrow_columns(bootstrap, topic_name):
    import pyarrow as pa

    p = sluice.Producer({"bootstrap.servers": bootstrap})
    p.create_topic(topic_name, num_partitions=1, replication_factor=1)
    values = pa.array([b"skipped", b"a", None, "é".encode(), b""], pa.binary()).slice(1)  # an offset into buffers
    keys = pa.array(["k1", None, "k3", "k4"], pa.large_string())
    s = p.bulk_arrow(topic_name, values, keys)
    assert (s.records, s.acknowledged) == (4, 4)
    records = java_read(bootstrap, topic_name)
    assert [(r["key"], r["value"]) for r in records] == [(b"k1", b"a"), (None, None), (b"k3", "é".encode()),
                                                         (b"k4", b"")]
    p.close()


def test_bulk_arrow_refuses_other_columns():
    import pyarrow as pa

    p = sluice.Producer({"bootstrap.servers": NOWHERE, "max.block.ms": 200})
    with pytest.raises(TypeError, match="value must be an Arrow binary or string column, not int64"):
        p.bulk_arrow("t", pa.array([1, 2]))
    with pytest.raises(ValueError, match="differ in length"):
        p.bulk_arrow("t", pa.array([b"a"]), pa.array(["a", "b"]))
    s = p.bulk_arrow("t", pa.array([b"a", b"b"]))
    assert s.failed == 2 and "no metadata" in s.errors[0].error  # unreachable: every record failed
    p.close(0)
