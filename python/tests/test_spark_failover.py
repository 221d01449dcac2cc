"""A broker of the 3-broker cluster killed (SIGKILL) while sluice.spark writes
a DataFrame. The job must succeed with every row in the log (duplicates only
where Spark retried a task: counted here), or fail with a named error; a
silent loss fails the test. Needs the 3-broker cluster of tools/kafka-local
(SLUICE_BOOTSTRAP and SLUICE_KAFKA_BASE; tools/test runs this file while its
3-broker cluster is up, the other Spark tests on one broker)."""
import os
import signal
import subprocess
import threading
import time

import pytest

import sluice
import sluice.spark
from conftest import ROOT, spark_read_topic

N = 400_000
TASKS = 16
VICTIM = 2  # a broker, not the controller (node 0)


def kafka_local(*args):
    return subprocess.run([str(ROOT / "tools" / "kafka-local"), *args], capture_output=True, text=True,
                          timeout=180, check=True).stdout.strip()


def test_a_broker_killed_mid_job_loses_no_row(spark, bootstrap, topic_name):
    if not os.environ.get("SLUICE_KAFKA_BASE"):
        pytest.fail("SLUICE_KAFKA_BASE is not set: this test kills a broker of that tools/kafka-local cluster")
    if len(bootstrap.split(",")) < 3:
        pytest.fail(f"this test needs the 3-broker cluster (SLUICE_BOOTSTRAP={bootstrap})")
    admin = sluice.Producer({"bootstrap.servers": bootstrap})
    assert admin.create_topic(topic_name, num_partitions=6, replication_factor=3,
                              config={"min.insync.replicas": "2"})
    admin.close()

    df = spark.range(0, N, 1, TASKS).selectExpr("concat('k', cast(id as string)) as key",
                                                "concat('v', cast(id as string)) as value")
    outcome = {}

    def write():
        try:
            outcome["result"] = sluice.spark.write_dataframe(df, topic_name, {"bootstrap.servers": bootstrap},
                                                             key_col="key")
        except Exception as e:  # noqa: BLE001 - judged below
            outcome["error"] = e

    tracker = spark.sparkContext.statusTracker()
    writer = threading.Thread(target=write)
    writer.start()
    killed_at = None
    try:
        # Kill once some tasks are done and others still run: mid-job.
        deadline = time.monotonic() + 300
        while killed_at is None and writer.is_alive() and time.monotonic() < deadline:
            for stage_id in tracker.getActiveStageIds():
                info = tracker.getStageInfo(stage_id)
                if info and info.numCompletedTasks >= 2 and info.numActiveTasks > 0:
                    pid = int(kafka_local("pid", str(VICTIM)))
                    os.kill(pid, signal.SIGKILL)
                    killed_at = (info.numCompletedTasks, info.numTasks)
                    break
            writer.join(0.05)
        writer.join(600)
    finally:
        if killed_at is not None:
            kafka_local("restart-node", str(VICTIM))
    assert killed_at is not None, "the job ended before a broker could be killed mid-job: this test checked nothing"
    assert not writer.is_alive()

    back = spark_read_topic(spark, bootstrap, topic_name).selectExpr("cast(key as string) k").cache()
    total = back.count()
    distinct = back.distinct().count()
    duplicates = total - distinct
    print(f"killed broker {VICTIM} after {killed_at[0]} of {killed_at[1]} tasks; {total} records, "
          f"{distinct} distinct keys, {duplicates} duplicates; outcome: {outcome}")
    if "error" in outcome:
        text = str(outcome["error"])
        assert "SluiceWriteError" in text and f"topic '{topic_name}'" in text, text[-3000:]
    else:
        result = outcome["result"]
        assert result.acknowledged == N and result.failed == 0 and result.outcome_unknown == 0
        assert distinct == N, f"{N - distinct} rows lost"
        # Idempotence on (the default): a retried request writes nothing twice;
        # only a retried Spark task could, and no task failed.
        assert duplicates == 0
    back.unpersist()
