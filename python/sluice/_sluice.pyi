"""Type stubs of sluice._sluice, the native half of the sluice package."""

from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Tuple, Union

Bytes = Union[str, bytes, bytearray, memoryview]
Headers = Union[Sequence[Tuple[str, Optional[Bytes]]], Mapping[str, Optional[Bytes]]]
DeliveryCallback = Callable[[Optional[str], "DeliveryReport"], Any]
Field = Union[None, int, str, Callable[[Any], Any]]

class ConfigError(ValueError):
    """A bad or unknown producer property; ``property`` names it."""

    property: str

class KafkaException(Exception):
    """A request the broker refused (the message says which and why)."""

class DeliveryReport:
    """What became of one record."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int:
        """The partition written to (-1 when none was chosen)."""
    @property
    def offset(self) -> int:
        """The record's offset (-1 on error, and with acks=0)."""
    @property
    def timestamp(self) -> int:
        """The record's timestamp in ms (-1 when unknown)."""
    @property
    def error(self) -> Optional[str]:
        """None: acknowledged by the broker. Else what happened, naming topic/partition/broker."""
    @property
    def error_code(self) -> int: ...
    @property
    def error_category(self) -> str:
        """'sluice.producer' (Sluice's own), 'kafka' (the broker's code), 'sluice.net', 'sluice.sasl' or 'sluice.codec'; '' when there is no error."""
    @property
    def outcome_unknown(self) -> bool:
        """With an error: True if the record may be in the log anyway."""
    @property
    def ok(self) -> bool:
        """True when acknowledged."""

class BulkError:
    """One failed row of Producer.bulk()."""

    @property
    def index(self) -> int: ...
    @property
    def error(self) -> str: ...
    @property
    def error_code(self) -> int: ...
    @property
    def error_category(self) -> str: ...
    @property
    def outcome_unknown(self) -> bool: ...

class Summary:
    """The outcome of Producer.bulk(): records == acknowledged + failed + outcome_unknown + pending."""

    @property
    def records(self) -> int: ...
    @property
    def sent(self) -> int: ...
    @property
    def acknowledged(self) -> int: ...
    @property
    def failed(self) -> int: ...
    @property
    def outcome_unknown(self) -> int: ...
    @property
    def pending(self) -> int: ...
    @property
    def timed_out(self) -> bool: ...
    @property
    def errors(self) -> list[BulkError]: ...
    @property
    def elapsed(self) -> float:
        """Seconds."""
    @property
    def all_acknowledged(self) -> bool: ...

class Producer:
    """A Kafka producer (Sluice's C++ engine). Not picklable: create it where it is used."""

    def __init__(
        self, config: Mapping[str, Union[str, int, float, bool]], *, on_delivery: Optional[DeliveryCallback] = None
    ) -> None:
        """config: Kafka property names as in Sluice's C++ API; sluice.ConfigError names a bad one.
        on_delivery: the callback of records produced without their own."""
    def produce(
        self,
        topic: str,
        value: Optional[Bytes] = None,
        key: Optional[Bytes] = None,
        partition: int = -1,
        on_delivery: Optional[DeliveryCallback] = None,
        timestamp: int = 0,
        headers: Optional[Headers] = None,
        *,
        callback: Optional[DeliveryCallback] = None,
    ) -> None:
        """Queues one record; on_delivery(err, report) runs in a later poll() or flush() on that thread.
        Blocks without the GIL while the buffer is full (max.block.ms). TypeError for a value, key or
        header of another type, naming it."""
    def poll(self, timeout: Optional[float] = None) -> int:
        """Serves the delivery callbacks that are due, waiting up to timeout s for the first (None: no
        limit). Returns how many it served. An exception from a callback propagates."""
    def flush(self, timeout: Optional[float] = None) -> int:
        """Sends everything and waits until every record's callback was served or timeout s pass.
        Returns how many are still outstanding. Ctrl-C raises KeyboardInterrupt."""
    def __len__(self) -> int: ...
    def send_sync(
        self,
        topic: str,
        value: Optional[Bytes] = None,
        key: Optional[Bytes] = None,
        partition: int = -1,
        timestamp: int = 0,
        headers: Optional[Headers] = None,
    ) -> DeliveryReport:
        """Sends one record at once (no linger.ms) and returns its report."""
    def bulk(
        self,
        rows: Iterable[Any],
        topic: str,
        key: Field = None,
        value: Field = None,
        partition: Field = None,
        headers: Field = None,
        timestamp: Field = None,
        timeout: Optional[float] = None,
        max_errors: int = 10,
    ) -> Summary:
        """One record per row; waits for every one of its reports. A field is None, a callable
        (field(row)), or an int/str (row[field]); value=None sends the row itself, key=None null keys."""
    def bulk_arrow(
        self, topic: str, value: Any, key: Any = None, timeout: Optional[float] = None, max_errors: int = 10
    ) -> Summary:
        """bulk() over pyarrow binary/string Arrays (value; key or None), sent from their buffers without the GIL
        and without a Python object per row. Null values are tombstones, null keys null keys."""
    def close(self, timeout: Optional[float] = None) -> None: ...
    def purge(self) -> int: ...
    def statistics_json(self) -> str: ...
    def create_topic(
        self,
        name: str,
        num_partitions: int = -1,
        replication_factor: int = -1,
        config: Optional[Mapping[str, str]] = None,
        timeout: float = 30.0,
    ) -> bool: ...
    @property
    def failed_without_callback(self) -> int: ...
    def __enter__(self) -> "Producer": ...
    def __exit__(self, *args: Any) -> None: ...

def check_config(config: Mapping[str, Union[str, int, float, bool]]) -> None:
    """Checks producer properties as Producer(config) would (ConfigError naming a bad one), without a producer."""

def version() -> str:
    """The version of the Sluice library linked (sluice::version()); sluice.__version__."""
