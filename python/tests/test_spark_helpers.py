"""sluice.spark's per-process producers and checks, without Spark."""
import os

import pytest

import sluice
import sluice.spark
from conftest import NOWHERE


def test_one_producer_per_process_and_config():
    a = {"bootstrap.servers": NOWHERE, "linger.ms": 5}
    first = sluice.spark.producer(a)
    assert sluice.spark.producer(dict(a)) is first  # the same config: the same producer
    assert sluice.spark.producer({"bootstrap.servers": NOWHERE, "linger.ms": "5"}) is first  # same text
    other = sluice.spark.producer({"bootstrap.servers": NOWHERE, "linger.ms": 6})
    assert other is not first


def test_a_forked_child_makes_its_own_producer():
    config = {"bootstrap.servers": NOWHERE, "client.id": "fork-test"}
    parent = sluice.spark.producer(config)
    pid = os.fork()
    if pid == 0:  # the child: the inherited producer's threads are not here
        code = 1
        try:
            child = sluice.spark.producer(config)
            code = 0 if child is not parent and sluice.spark.producer(config) is child else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert sluice.spark.producer(config) is parent


def test_bad_config_is_refused_before_any_job():
    with pytest.raises(sluice.ConfigError) as e:
        sluice.spark.batch_writer("t", {"bootstrap.servers": NOWHERE, "linger.ms": "soon"})
    assert e.value.property == "linger.ms"
    with pytest.raises(sluice.ConfigError) as e:
        sluice.check_config({})
    assert e.value.property == "bootstrap.servers"


def test_write_result_adds_up():
    a = sluice.spark.WriteResult(records=3, acknowledged=2, failed=1, tasks=1, producers=1)
    b = sluice.spark.WriteResult(records=1, acknowledged=1, tasks=1, producers=1)
    assert a + b == sluice.spark.WriteResult(records=4, acknowledged=3, failed=1, outcome_unknown=0, tasks=2,
                                             producers=2)
