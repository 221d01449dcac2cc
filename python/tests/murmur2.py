"""Kafka's default partition for a keyed record, as the Java producer computes it:
toPositive(murmur2(key)) % partitions (Utils.murmur2: seed 0x9747b28c, m 0x5bd1e995,
r 24, in 32-bit arithmetic). Written here from the algorithm so that the Spark
tests and the broker interop suite (test/interop/broker_suite.py imports this
file) check Sluice's placement against the Java client's rule, not Sluice's own
code; test_spark.py checks it against Kafka's Utils.murmur2 in the JVM. No
imports: conftest.py ships this file alone to Spark's Python workers."""

_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's Utils.murmur2 as an unsigned 32-bit value."""
    length = len(data)
    h = (0x9747B28C ^ length) & _MASK
    whole = length & ~3
    for i in range(0, whole, 4):
        k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = (h * _M) & _MASK
        h ^= k
    rest = length & 3
    if rest == 3:
        h ^= data[whole + 2] << 16
    if rest >= 2:
        h ^= data[whole + 1] << 8
    if rest >= 1:
        h ^= data[whole]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h


def as_java_int(h: int) -> int:
    return h - (1 << 32) if h & 0x80000000 else h


def partition_of(key: bytes, partitions: int) -> int:
    return (murmur2(key) & 0x7FFFFFFF) % partitions
