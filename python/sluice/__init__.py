"""Sluice: a Kafka producer written in C++20, from Python.

    import sluice
    p = sluice.Producer({"bootstrap.servers": "127.0.0.1:9092"})
    p.produce("events", value=b"hello", key="k1", on_delivery=lambda err, report: ...)
    p.flush()

The interface is confluent-kafka-python's (produce, poll, flush, len) plus
Sluice's own: send_sync() -> DeliveryReport and bulk() -> Summary. Helpers
for PySpark are in sluice.spark. docs/PYTHON.md has the details.
"""

from ._sluice import (
    BulkError,
    ConfigError,
    DeliveryReport,
    KafkaException,
    Producer,
    Summary,
    check_config,
)
from ._sluice import version as _library_version

__all__ = [
    "BulkError",
    "ConfigError",
    "DeliveryReport",
    "KafkaException",
    "Producer",
    "Summary",
    "check_config",
]
# The C++ library's own (sluice::version()); the distribution's metadata
# version comes from the same line of the top CMakeLists.txt.
__version__: str = _library_version()
