"""Fixtures of the sluice Python tests.

Tests that need a broker take the `bootstrap` fixture: SLUICE_BOOTSTRAP (the
list tools/kafka-local prints; tools/python-suite starts the broker). Without
it they fail, loudly, rather than skip.
"""
import os
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "interop"))  # readers.py: Kafka's Java consumer

# An address where nothing listens: records wait for metadata, then fail.
NOWHERE = "127.0.0.1:1"


@pytest.fixture(scope="session")
def bootstrap():
    value = os.environ.get("SLUICE_BOOTSTRAP")
    if not value:
        pytest.fail("SLUICE_BOOTSTRAP is not set: start a broker (tools/kafka-local start) and export the list it "
                    "prints, or run tools/python-suite")
    return value


@pytest.fixture
def topic_name(request):
    """A topic name no other test uses."""
    return f"py-{request.node.name[:40]}-{uuid.uuid4().hex[:8]}".replace("[", "-").replace("]", "")


def java_read(bootstrap, topic):
    """Every record of `topic`, read by Kafka's own Java consumer (test/interop/readers.py)."""
    import readers

    version = os.environ.get("SLUICE_KAFKA_VERSION", "4.3.1")
    return readers.java_read(version, bootstrap, topic)


def spark_kafka_jars():
    """The spark-sql-kafka-0-10 connector and its dependencies, fetched once by
    tools/python-suite build into the cache (Spark's Ivy, from Maven Central)."""
    import glob

    cache = Path(os.environ.get("SLUICE_CACHE") or Path.home() / ".cache" / "sluice")
    jars = sorted(glob.glob(str(cache / "spark-ivy" / "jars" / "*.jar")))
    if not any("spark-sql-kafka-0-10" in j for j in jars):
        pytest.fail(f"no spark-sql-kafka-0-10 jar in {cache}/spark-ivy/jars: run tools/python-suite build")
    return jars


@pytest.fixture(scope="session")
def spark():
    """A real local Spark, local[2,4] (two task threads; a task is tried up to 4
    times, so Spark's retry applies), with Spark's own Kafka source and sink."""
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers import sluice from this venv
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"  # the driver's ports on loopback, not the host's address
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2,4]").appName("sluice-tests")
               .config("spark.jars", ",".join(spark_kafka_jars()))
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.driver.memory", "1g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.addPyFile(str(Path(__file__).with_name("murmur2.py")))
    yield session
    session.stop()


def spark_read_topic(spark, bootstrap, topic):
    """`topic` from its beginning to its end, through Spark's own Kafka source."""
    return (spark.read.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("subscribe", topic)
            .option("startingOffsets", "earliest").option("endingOffsets", "latest").load())
