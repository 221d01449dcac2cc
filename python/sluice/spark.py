"""sluice.spark: write Spark DataFrames and micro-batches to Kafka through Sluice.

Each executor Python worker process has one sluice.Producer per configuration,
made lazily by the first task that needs it and reused by every later task of
that process (PySpark reuses its workers: spark.python.worker.reuse, on by
default). A producer is never shipped from the driver: it cannot be pickled.

    from sluice.spark import write_dataframe, batch_writer
    result = write_dataframe(df, "events", {"bootstrap.servers": "..."}, key_col="id", value_col="payload")
    query = df.writeStream.foreachBatch(batch_writer("events", config, key_col="id")).start()

A task returns only when every record it sent has its delivery report; a
record that failed, or whose outcome is unknown, fails the task (SluiceWriteError,
naming the topic, the partition and the error), so Spark's task retry applies
(a retried task writes its rows again: with a retry, rows whose first write
succeeded appear twice). The driver gets the counts back as a WriteResult.
"""
from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from . import Producer, check_config

__all__ = ["SluiceWriteError", "WriteResult", "batch_writer", "producer", "write_dataframe"]


class SluiceWriteError(RuntimeError):
    """A Spark task's records did not all reach Kafka (raised in the task, so Spark retries it)."""


@dataclass(frozen=True)
class WriteResult:
    """What write_dataframe() wrote: the sums over its tasks (the last attempt of each)."""

    records: int = 0
    acknowledged: int = 0
    failed: int = 0
    outcome_unknown: int = 0
    tasks: int = 0
    producers: int = 0  # distinct producers that served the tasks (one per executor worker process)

    def __add__(self, other: "WriteResult") -> "WriteResult":
        return WriteResult(self.records + other.records, self.acknowledged + other.acknowledged,
                           self.failed + other.failed, self.outcome_unknown + other.outcome_unknown,
                           self.tasks + other.tasks, self.producers + other.producers)


# ------------------------------------------------------------ executor side

_lock = threading.Lock()
_producers: Dict[Tuple[Tuple[str, str], ...], Tuple[int, Producer]] = {}
# Producers inherited through fork(): their threads are not in this process,
# so they are kept (never closed, never freed) rather than used.
_inherited: List[Producer] = []


def _config_key(config: Mapping[str, Any]) -> Tuple[Tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in config.items()))


def producer(config: Mapping[str, Any]) -> Producer:
    """The one producer of this process for `config`, made on first use.

    Call it inside the function Spark runs on the executor (foreachPartition,
    mapPartitions, foreachBatch's tasks), never on the driver for use in a
    closure: a Producer cannot be pickled.
    """
    key = _config_key(config)
    pid = os.getpid()
    with _lock:
        held = _producers.get(key)
        if held is not None and held[0] == pid:
            return held[1]
        if held is not None:
            _inherited.append(held[1])
        made = Producer(dict(config))
        _producers[key] = (pid, made)
        return made


@atexit.register
def _close_producers() -> None:
    # Best effort: PySpark's daemon ends its workers with os._exit, which
    # runs no exit hook; every task has flushed its own records already.
    pid = os.getpid()
    with _lock:
        mine = [p for owner, p in _producers.values() if owner == pid]
        _producers.clear()
    for p in mine:
        try:
            p.close(5.0)
        except Exception:  # noqa: BLE001 - nothing to tell anyone at exit
            pass


def _partition_writer(topic: str, config: Dict[str, Any], fields: Dict[str, Optional[int]]) -> Callable:
    """The function each task runs over its rows (pickled to the executors; holds no producer)."""

    def write(rows):
        from pyspark import TaskContext

        p = producer(config)
        s = p.bulk(rows, topic, **fields)
        if s.failed or s.outcome_unknown or s.pending:
            ctx = TaskContext.get()
            where = f"Spark partition {ctx.partitionId()}, attempt {ctx.attemptNumber()}" if ctx else "a task"
            first = s.errors[0] if s.errors else None
            detail = f"first: row {first.index}: {first.error}" if first else "no report for some records"
            raise SluiceWriteError(
                f"sluice: {s.failed} failed, {s.outcome_unknown} with unknown outcome and {s.pending} without a "
                f"report of {s.records} records for topic '{topic}' ({where}); {detail}")
        yield (s.records, s.acknowledged, s.failed, s.outcome_unknown, os.getpid(), id(p))

    return write


def _arrow_writer(topic: str, config: Dict[str, Any], has_key: bool) -> Callable:
    """The columnar path: each task gets Arrow record batches (mapInArrow) and
    sends the value and key columns from their buffers (Producer.bulk_arrow)."""

    def write(batches):
        import pyarrow as pa
        from pyspark import TaskContext

        p = producer(config)
        records = acknowledged = 0
        for batch in batches:
            s = p.bulk_arrow(topic, batch.column(0), batch.column(1) if has_key else None)
            if s.failed or s.outcome_unknown or s.pending:
                ctx = TaskContext.get()
                where = f"Spark partition {ctx.partitionId()}, attempt {ctx.attemptNumber()}" if ctx else "a task"
                first = s.errors[0] if s.errors else None
                detail = f"first: row {first.index} of the batch: {first.error}" if first else "no report"
                raise SluiceWriteError(
                    f"sluice: {s.failed} failed, {s.outcome_unknown} with unknown outcome and {s.pending} without "
                    f"a report of {s.records} records for topic '{topic}' ({where}); {detail}")
            records += s.records
            acknowledged += s.acknowledged
        yield pa.RecordBatch.from_pydict({"records": [records], "acknowledged": [acknowledged],
                                          "pid": [os.getpid()], "producer": [id(p)]})

    return write


def _arrow_available() -> bool:
    try:  # PySpark's mapInArrow needs both
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------- driver side

def _check_columns(df, key_col, value_col, headers_col, partition_col) -> List[str]:
    from pyspark.sql import types as T

    fields = {f.name: f.dataType for f in df.schema.fields}

    def need(role: str, name: Optional[str]):
        if name is None:
            return None
        if not isinstance(name, str):
            raise TypeError(f"{role} must be a column name (str), not {type(name).__name__}")
        if name not in fields:
            raise ValueError(f"{role}: the DataFrame has no column '{name}' (its columns: "
                             f"{', '.join(fields) or 'none'})")
        return fields[name]

    for role, name in (("value_col", value_col), ("key_col", key_col)):
        t = need(role, name)
        if t is not None and not isinstance(t, (T.StringType, T.BinaryType)):
            raise TypeError(f"{role} '{name}' is {t.simpleString()}: a Kafka {role[:-4]} must be a string or binary "
                            f"column; cast it, e.g. df.withColumn('{name}', df['{name}'].cast('string'))")
    t = need("partition_col", partition_col)
    if t is not None and not isinstance(t, (T.IntegerType, T.ShortType, T.ByteType, T.LongType)):
        raise TypeError(f"partition_col '{partition_col}' is {t.simpleString()}: it must be an integer column")
    t = need("headers_col", headers_col)
    if t is not None:
        ok = (isinstance(t, T.ArrayType) and isinstance(t.elementType, T.StructType)
              and len(t.elementType.fields) == 2
              and isinstance(t.elementType.fields[0].dataType, T.StringType)
              and isinstance(t.elementType.fields[1].dataType, (T.StringType, T.BinaryType)))
        if not ok:
            raise TypeError(f"headers_col '{headers_col}' is {t.simpleString()}: it must be "
                            "array<struct<key:string,value:binary>> (as Spark's Kafka sink takes)")
    return [c for c in (value_col, key_col, headers_col, partition_col) if c is not None]


def write_dataframe(df, topic: str, config: Mapping[str, Any], key_col: Optional[str] = None,
                    value_col: str = "value", headers_col: Optional[str] = None,
                    partition_col: Optional[str] = None, arrow: Optional[bool] = None) -> WriteResult:
    """Writes every row of `df` to `topic`, one record per row, and returns the counts.

    value_col and key_col: string or binary columns (a null value is a
    tombstone, a null key a record without a key, placed by the
    partitioner). headers_col: array<struct<key:string,value:binary>>.
    partition_col: an integer column (null or -1: the partitioner chooses).
    Columns are checked on the driver before the job starts (ValueError for
    a missing one, TypeError for a wrong type), and so is `config`
    (sluice.ConfigError). A failed record fails its task (SluiceWriteError).

    arrow: send through Spark's Arrow batches (mapInArrow: no Python object
    per row, much faster) instead of Python Rows. None: when pyarrow is
    installed and there is neither a headers nor a partition column.
    """
    if not isinstance(topic, str) or not topic:
        raise TypeError("topic must be a non-empty str")
    check_config(dict(config))
    columns = _check_columns(df, key_col, value_col, headers_col, partition_col)
    index = {name: i for i, name in enumerate(columns)}
    fields = {"value": 0, "key": index.get(key_col) if key_col else None,
              "headers": index.get(headers_col) if headers_col else None,
              "partition": index.get(partition_col) if partition_col else None}
    if arrow is None:
        arrow = headers_col is None and partition_col is None and _arrow_available()
    if arrow:
        if headers_col is not None or partition_col is not None:
            raise ValueError("arrow=True sends the key and value columns only: no headers_col or partition_col")
        writer = _arrow_writer(topic, dict(config), key_col is not None)
        out = df.select(*columns).mapInArrow(writer, "records long, acknowledged long, pid long, producer long")
        rows = [(r.records, r.acknowledged, 0, 0, r.pid, r.producer) for r in out.collect()]
        return WriteResult(records=sum(r[0] for r in rows), acknowledged=sum(r[1] for r in rows),
                           tasks=len(rows), producers=len({(r[4], r[5]) for r in rows}))
    writer = _partition_writer(topic, dict(config), fields)
    rows = df.select(*columns).rdd.mapPartitions(writer).collect()
    return WriteResult(records=sum(r[0] for r in rows), acknowledged=sum(r[1] for r in rows),
                       failed=sum(r[2] for r in rows), outcome_unknown=sum(r[3] for r in rows),
                       tasks=len(rows), producers=len({(r[4], r[5]) for r in rows}))


def batch_writer(topic: str, config: Mapping[str, Any], key_col: Optional[str] = None, value_col: str = "value",
                 headers_col: Optional[str] = None, partition_col: Optional[str] = None,
                 arrow: Optional[bool] = None):
    """A foreachBatch function for Structured Streaming that writes each micro-batch with write_dataframe().

        query = df.writeStream.foreachBatch(batch_writer("events", config)).start()

    Its `results` attribute lists (batch_id, WriteResult) on the driver. A
    failed micro-batch raises, which stops the query (Spark then runs that
    batch again when the query restarts from its checkpoint).
    """
    check_config(dict(config))

    def write_batch(batch_df, batch_id: int) -> None:
        result = write_dataframe(batch_df, topic, config, key_col=key_col, value_col=value_col,
                                 headers_col=headers_col, partition_col=partition_col, arrow=arrow)
        write_batch.results.append((batch_id, result))

    write_batch.results = []
    return write_batch
