"""sluice.spark on a real local Spark (local[2]) and the real broker (one
broker: Spark and several broker JVMs on two cores risk broker fencing).
What Sluice writes is read back through Spark's own Kafka source."""
import json

import pytest

import sluice
import sluice.spark
from conftest import spark_read_topic
from murmur2 import as_java_int, murmur2, partition_of

N = 1_000_000
PARTITIONS = 6


def make_topic(bootstrap, name, partitions):
    p = sluice.Producer({"bootstrap.servers": bootstrap})
    assert p.create_topic(name, num_partitions=partitions, replication_factor=1)
    p.close()


def test_murmur2_here_is_kafkas(spark):
    utils = spark.sparkContext._jvm.org.apache.kafka.common.utils.Utils
    for key in [b"", b"a", b"ab", b"abc", b"abcd", b"k12345", "é-ü".encode(), bytes(range(256))]:
        assert as_java_int(murmur2(key)) == utils.murmur2(bytearray(key)), key


def test_a_million_rows_written_read_back_and_placed_as_javas_murmur2(spark, bootstrap, topic_name):
    make_topic(bootstrap, topic_name, PARTITIONS)
    df = spark.range(0, N, 1, 8).selectExpr(
        "concat('k', cast(id as string)) as key",
        "cast(concat('v', cast(id as string), '-', repeat('x', 80)) as binary) as value")
    result = sluice.spark.write_dataframe(df, topic_name, {"bootstrap.servers": bootstrap}, key_col="key",
                                          arrow=True)
    assert (result.records, result.acknowledged, result.failed, result.outcome_unknown) == (N, N, 0, 0)
    assert result.tasks == 8
    # One producer per worker process, reused across its tasks (local[2]: two workers).
    assert 1 <= result.producers <= 2, result

    back = spark_read_topic(spark, bootstrap, topic_name).selectExpr(
        "cast(key as string) as k", "cast(value as string) as v", "partition as p").cache()
    assert back.count() == N
    assert back.select("k").distinct().count() == N
    assert back.filter("v != concat('v', substring(k, 2), '-', repeat('x', 80))").count() == 0

    def misplaced(rows):
        from murmur2 import partition_of as place

        right, wrong_count = 0, 0
        for r in rows:
            key = r.k.encode()
            right += r.p != place(key, PARTITIONS)
            wrong_count += r.p != place(key, PARTITIONS - 1)  # the negative control: must catch
        yield right, wrong_count

    counts = back.rdd.mapPartitions(misplaced).collect()
    assert sum(c[0] for c in counts) == 0
    assert sum(c[1] for c in counts) > N // 2
    back.unpersist()


def test_streaming_foreach_batch_over_several_micro_batches(spark, bootstrap, topic_name, tmp_path):
    make_topic(bootstrap, topic_name, 3)
    src = tmp_path / "in"
    src.mkdir()
    for f in range(3):
        with open(src / f"part{f}.json", "w") as out:
            for i in range(1000):
                out.write(json.dumps({"id": f * 1000 + i, "body": f"event {f * 1000 + i}"}) + "\n")
    stream = (spark.readStream.schema("id long, body string").option("maxFilesPerTrigger", 1).json(str(src))
              .selectExpr("cast(id as string) as key", "body as value"))
    writer = sluice.spark.batch_writer(topic_name, {"bootstrap.servers": bootstrap}, key_col="key")
    query = (stream.writeStream.foreachBatch(writer).option("checkpointLocation", str(tmp_path / "ckpt"))
             .trigger(availableNow=True).start())
    query.awaitTermination(300)
    assert query.exception() is None
    assert [batch for batch, _ in writer.results] == [0, 1, 2]
    assert [r.acknowledged for _, r in writer.results] == [1000, 1000, 1000]
    back = spark_read_topic(spark, bootstrap, topic_name).selectExpr("cast(key as string) k", "cast(value as string) v")
    assert back.count() == 3000
    assert back.filter("v = concat('event ', k)").select("k").distinct().count() == 3000


def test_bad_columns_are_refused_on_the_driver_naming_them(spark, bootstrap):
    config = {"bootstrap.servers": bootstrap}
    df = spark.range(3).selectExpr("id as value", "cast(id as string) as key")
    with pytest.raises(TypeError, match=r"value_col 'value' is bigint: .*string or binary.*cast"):
        sluice.spark.write_dataframe(df, "never-written", config)
    with pytest.raises(ValueError, match=r"no column 'missing' \(its columns: value, key\)"):
        sluice.spark.write_dataframe(df, "never-written", config, value_col="missing")
    with pytest.raises(TypeError, match="key_col 'value' is bigint"):
        sluice.spark.write_dataframe(df, "never-written", config, value_col="key", key_col="value")
    with pytest.raises(sluice.ConfigError) as e:
        sluice.spark.write_dataframe(df, "never-written", {"bootstrap.servers": bootstrap, "acks": "most"})
    assert e.value.property == "acks"


@pytest.mark.parametrize("arrow", [True, False])
def test_null_keys_and_values_are_written_as_nulls(spark, bootstrap, topic_name, arrow):
    make_topic(bootstrap, topic_name, 2)
    df = spark.createDataFrame([("a", "1"), (None, "2"), ("c", None)], "key string, value string")
    result = sluice.spark.write_dataframe(df, topic_name, {"bootstrap.servers": bootstrap}, key_col="key",
                                          arrow=arrow)
    assert result.acknowledged == 3
    back = spark_read_topic(spark, bootstrap, topic_name).selectExpr("cast(key as string) k", "cast(value as string) v")
    assert sorted(back.collect(), key=lambda r: r.v or "") == sorted(
        [(None, "2"), ("a", "1"), ("c", None)], key=lambda r: r[1] or "")
    rows = back.collect()
    assert [r.k for r in rows if r.v == "2"] == [None]


def test_a_failed_record_fails_an_arrow_task_naming_the_topic_and_error(spark, bootstrap, topic_name):
    # max.block.ms: how long the records wait for the topic, which does not exist and is not created.
    config = {"bootstrap.servers": bootstrap, "max.block.ms": 1000, "allow.auto.create.topics": "false"}
    df = spark.createDataFrame([("v",)], "value string")
    with pytest.raises(Exception) as e:
        sluice.spark.write_dataframe(df.coalesce(1), topic_name, config, arrow=True)
    text = str(e.value)
    assert "SluiceWriteError" in text and f"topic '{topic_name}'" in text, text[-3000:]


def test_a_failed_record_fails_the_task_naming_topic_partition_and_error(spark, bootstrap, topic_name):
    make_topic(bootstrap, topic_name, 1)
    df = spark.createDataFrame([("v", 0), ("w", 5)], "value string, p int")
    # max.block.ms: how long the record for partition 5 waits for it to exist.
    config = {"bootstrap.servers": bootstrap, "max.block.ms": 1000}
    with pytest.raises(Exception) as e:
        sluice.spark.write_dataframe(df.coalesce(1), topic_name, config, partition_col="p")
    text = str(e.value)
    assert "SluiceWriteError" in text and f"topic '{topic_name}'" in text and "partition 5" in text, text[-3000:]


def test_a_producer_captured_in_a_closure_is_refused_pointing_at_sluice_spark(spark, bootstrap):
    p = sluice.Producer({"bootstrap.servers": bootstrap})
    with pytest.raises(Exception) as e:
        spark.sparkContext.parallelize([1, 2]).foreachPartition(lambda rows: p.produce("t", value=b"x"))
    assert "sluice.spark" in str(e.value) and "create it on the executor" in str(e.value)
    p.close()


def test_headers_and_partition_columns(spark, bootstrap, topic_name):
    make_topic(bootstrap, topic_name, 3)
    df = spark.createDataFrame(
        [("a", "1", 2, [("trace", bytearray(b"t1")), ("none", None)]), ("b", "2", None, [])],
        "key string, value string, p int, h array<struct<key:string,value:binary>>")
    result = sluice.spark.write_dataframe(df, topic_name, {"bootstrap.servers": bootstrap}, key_col="key",
                                          headers_col="h", partition_col="p")
    assert result.acknowledged == 2
    back = (spark.read.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", topic_name)
            .option("includeHeaders", "true").option("startingOffsets", "earliest")
            .option("endingOffsets", "latest").load())
    rows = {r.k: r for r in back.selectExpr("cast(key as string) k", "partition", "headers").collect()}
    assert rows["a"].partition == 2
    assert [(h.key, None if h.value is None else bytes(h.value)) for h in rows["a"].headers] == [
        ("trace", b"t1"), ("none", None)]
    assert not rows["b"].headers
    assert rows["b"].partition == partition_of(b"b", 3)  # a null partition: the partitioner (murmur2)
