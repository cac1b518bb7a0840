"""Publishing fields to the line: four ``Acquisition`` records, one per stain, keyed by the sample id."""

import datetime
import os
import uuid
from dataclasses import dataclass, field as dataclass_field
from pathlib import Path

import avro.errors

from .blobs import LocalDirectoryBlobStore, blob_ref
from .encoding import SchemaSet, SingleObjectEncoder
from .errors import InputError, PublishError
from .hpa import require_safe_id
from .images import inspect_bytes
from .stains import Stain

ACQUISITION = "io.tunet.schemas.Acquisition"
#: Images up to this many bytes travel inside the record, larger ones through the blob store (as the simulator).
DEFAULT_INLINE_LIMIT = 256 * 1024
#: The ``acquisitions`` topic's ``max.message.bytes`` (``Topics.ACQUISITIONS``).
MAX_RECORD_BYTES = 4 * 1024 * 1024
# room for the record and batch framing the broker counts against max.message.bytes
_FRAMING_BYTES = 1024


@dataclass(frozen=True)
class PublishedStain:
    stain: Stain
    acquisition_id: str
    inline: bool
    size: int
    partition: int = -1
    offset: int = -1


@dataclass(frozen=True)
class PublishedField:
    """What Kafka acknowledged for one field."""
    sample_id: str
    stains: tuple = dataclass_field(default_factory=tuple)

    @property
    def inline_count(self) -> int:
        return sum(1 for s in self.stains if s.inline)

    @property
    def blob_count(self) -> int:
        return len(self.stains) - self.inline_count


class Publisher:
    """Publishes four-stain fields to the ``acquisitions`` topic, as a microscope of the line does.

    Every field is checked whole before any of it is sent (all four stains present, each a PNG, TIFF or JPEG
    whose header the line accepts, each record within the topic's limit); then large stains are written to
    the blob store, the four records are produced, and :meth:`publish_field` returns only when Kafka has
    acknowledged all four (idempotent producer, ``acks=all``). Not thread-safe: one publisher per thread.

    :param bootstrap_servers: Kafka bootstrap servers
    :param instrument_id: recorded on every acquisition
    :param blob_root: the line's shared blob-store directory; stains larger than ``inline_limit`` bytes are
        written there and referenced (claim check). Without it every stain travels inline, and a stain too
        large for one record is refused.
    :param connect_timeout: seconds to wait for the broker's metadata before giving up
    :param delivery_timeout: seconds Kafka has to acknowledge a record (``message.timeout.ms``)
    :param producer_config: extra librdkafka settings (security, say); cannot weaken acks or idempotence
    :param producer: a ready producer with confluent-kafka's interface, for tests; ``producer_config`` and
        ``bootstrap_servers`` are then unused
    """

    def __init__(self, bootstrap_servers="localhost:9092", *, instrument_id="python-client", blob_root=None,
                 inline_limit=DEFAULT_INLINE_LIMIT, topic="acquisitions", schema_dir=None,
                 connect_timeout=10.0, delivery_timeout=120.0, producer_config=None, producer=None):
        if not instrument_id:
            raise InputError("an instrument id is required")
        self.instrument_id = instrument_id
        self.topic = topic
        self.inline_limit = int(inline_limit)
        self.connect_timeout = float(connect_timeout)
        self.delivery_timeout = float(delivery_timeout)
        self.blob_store = LocalDirectoryBlobStore(blob_root) if blob_root is not None else None
        self.encoder = SingleObjectEncoder(SchemaSet(schema_dir).get(ACQUISITION))
        self._producer = producer if producer is not None else _kafka_producer(
            bootstrap_servers, self.delivery_timeout, producer_config or {})
        self._bootstrap_servers = bootstrap_servers
        self._connected = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Waits (up to the delivery timeout) for anything still in flight."""
        if self._producer is not None:
            self._producer.flush(self.delivery_timeout)

    def publish_field(self, sample_id, stains, *, plate, well, field, cell_line=None, metadata=None,
                      acquired_at=None) -> PublishedField:
        """Publishes one field and waits until Kafka acknowledged each of its four stains.

        :param sample_id: the record key; the four stains of a field share it
        :param stains: one image per stain, keyed by :class:`Stain`, ``"red"``/``"green"``/``"blue"``/
            ``"yellow"`` or the Avro symbol; each value a file path or the file's bytes (sent unchanged)
        :param plate: plate barcode
        :param well: well name such as ``B07``
        :param field: field number within the well
        :param cell_line: optional cell line
        :param metadata: optional free ``str -> str`` map recorded on every stain
        :param acquired_at: timezone-aware time of acquisition (default: now)
        :raises InputError: if the field cannot be published as it is; nothing was sent
        :raises PublishError: if Kafka is unreachable or did not acknowledge every stain in time
        """
        records = self.prepare_field(sample_id, stains, plate=plate, well=well, field=field,
                                     cell_line=cell_line, metadata=metadata, acquired_at=acquired_at)
        return self.send_prepared(sample_id, records)

    def prepare_field(self, sample_id, stains, *, plate, well, field, cell_line=None, metadata=None,
                      acquired_at=None):
        """Checks and encodes a field without sending it; see :meth:`publish_field`.

        :return: list of ``(PublishedStain, encoded value, bytes to claim-check or None)``
        """
        require_safe_id(sample_id)
        for name, value in (("plate", plate), ("well", well)):
            if not isinstance(value, str) or not value:
                raise InputError(f"{sample_id}: {name} must be a non-empty string, got {value!r}")
        if isinstance(field, bool) or not isinstance(field, int) or not -2**31 <= field < 2**31:
            raise InputError(f"{sample_id}: field must be an int, got {field!r}")
        if acquired_at is None:
            acquired_at = datetime.datetime.now(datetime.timezone.utc)
        elif acquired_at.tzinfo is None:
            raise InputError(f"{sample_id}: acquired_at must be timezone-aware")
        images = self._read_stains(sample_id, stains)
        prepared = []
        problems = []
        for stain in Stain:
            data, name = images[stain]
            try:
                info = inspect_bytes(data, name)
            except InputError as e:
                problems.append(f"{stain.suffix}: {e}")
                continue
            claim_check = self.blob_store is not None and len(data) > self.inline_limit
            content = blob_ref(data) if claim_check else data
            datum = {
                "acquisitionId": str(uuid.uuid4()),
                "sampleId": sample_id,
                "plate": plate,
                "well": well,
                "field": field,
                "stain": stain.value,
                "image": {"format": info.format, "width": info.width, "height": info.height,
                          "bitDepth": info.bit_depth, "content": content},
                "instrumentId": self.instrument_id,
                "cellLine": cell_line,
                "acquiredAt": acquired_at,
                "metadata": dict(metadata or {}),
            }
            try:
                value = self.encoder.encode(datum)
            except avro.errors.AvroTypeException as e:
                raise InputError(f"{sample_id}: the {stain.suffix} acquisition does not match the schema: "
                                 f"{e}") from e
            record_size = len(value) + len(sample_id.encode("utf-8")) + _FRAMING_BYTES
            if record_size > MAX_RECORD_BYTES:
                problems.append(f"{stain.suffix}: {name} is {len(data)} bytes, too large for one record on "
                                f"{self.topic} ({MAX_RECORD_BYTES} bytes); pass a blob root (--blob-root) so "
                                "that large images go through the blob store")
                continue
            published = PublishedStain(stain, datum["acquisitionId"], not claim_check, len(data))
            prepared.append((published, value, data if claim_check else None))
        if problems:
            raise InputError(f"{sample_id} was not published:\n  " + "\n  ".join(problems))
        return prepared

    def send_prepared(self, sample_id, prepared) -> PublishedField:
        """Writes the claim-checked stains to the blob store, produces the records and awaits the acks."""
        self._ensure_connected()
        for _, _, blob in prepared:
            if blob is not None:
                self.blob_store.put(blob)
        acknowledged = {}
        errors = []

        def delivered(stain):
            def callback(err, msg):
                if err is not None:
                    errors.append(f"{stain.suffix}: {err}")
                else:
                    acknowledged[stain] = (msg.partition(), msg.offset())
            return callback

        key = sample_id.encode("utf-8")
        for published, value, _ in prepared:
            try:
                self._producer.produce(self.topic, key=key, value=value, on_delivery=delivered(published.stain))
            except BufferError as e:
                errors.append(f"{published.stain.suffix}: the producer's queue is full ({e})")
            except Exception as e:  # KafkaException and its kin: the record was not queued
                errors.append(f"{published.stain.suffix}: {e}")
        left = self._producer.flush(self.delivery_timeout)
        if errors:
            raise PublishError(f"{sample_id}: Kafka did not take every stain: " + "; ".join(errors))
        if left or len(acknowledged) != len(prepared):
            raise PublishError(f"{sample_id}: {len(prepared) - len(acknowledged)} stain(s) not acknowledged "
                               f"within {self.delivery_timeout:g} s")
        return PublishedField(sample_id, tuple(
            PublishedStain(p.stain, p.acquisition_id, p.inline, p.size, *acknowledged[p.stain])
            for p, _, _ in prepared))

    def _read_stains(self, sample_id, stains):
        if not hasattr(stains, "items"):
            raise InputError(f"{sample_id}: stains must be a mapping of stain to image path or bytes")
        images = {}
        for key, source in stains.items():
            stain = Stain.of(key)
            if stain in images:
                raise InputError(f"{sample_id}: the {stain.suffix} stain is given twice")
            images[stain] = source
        missing = [s.suffix for s in Stain if s not in images]
        if missing:
            raise InputError(f"{sample_id} was not published: missing stain(s) {', '.join(missing)}; a field "
                             "needs red, green, blue and yellow")
        read = {}
        for stain, source in images.items():
            if isinstance(source, (bytes, bytearray, memoryview)):
                read[stain] = (bytes(source), f"{sample_id} {stain.suffix} image")
            elif isinstance(source, (str, os.PathLike)):
                try:
                    read[stain] = (Path(source).read_bytes(), str(source))
                except OSError as e:
                    raise InputError(f"{sample_id} was not published: cannot read the {stain.suffix} image "
                                     f"{source}: {e.strerror or e}") from e
            else:
                raise InputError(f"{sample_id}: the {stain.suffix} image must be a path or bytes, got "
                                 f"{type(source).__name__}")
        return read

    def _ensure_connected(self):
        if self._connected:
            return
        try:
            metadata = self._producer.list_topics(self.topic, timeout=self.connect_timeout)
        except Exception as e:  # KafkaException: no broker answered in time
            raise PublishError(f"cannot reach Kafka at {self._bootstrap_servers} within "
                               f"{self.connect_timeout:g} s: {e}") from e
        topic = metadata.topics.get(self.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            why = topic.error if topic is not None and topic.error is not None else "no partitions"
            raise PublishError(f"topic {self.topic} is not available on {self._bootstrap_servers} ({why}); "
                               "the line creates it when it starts")
        self._connected = True


def _kafka_producer(bootstrap_servers, delivery_timeout, extra):
    try:
        from confluent_kafka import Producer
    except ImportError as e:
        raise PublishError("confluent-kafka is not installed (apt-get install python3-confluent-kafka)") from e
    config = dict(extra)
    for fixed in ("acks", "enable.idempotence", "bootstrap.servers"):
        config.pop(fixed, None)
    config.update({
        "bootstrap.servers": bootstrap_servers,
        # a stain is never lost or doubled by a retry
        "enable.idempotence": True,
        "acks": "all",
        # the topic takes records up to 4 MiB (librdkafka's default is 1 MB)
        "message.max.bytes": MAX_RECORD_BYTES + _FRAMING_BYTES,
        "message.timeout.ms": int(delivery_timeout * 1000),
        "linger.ms": 5,
        # the Java clients' partitioner, so a sample id lands on the partition a Java producer would choose
        "partitioner": "murmur2_random",
    })
    try:
        return Producer(config)
    except Exception as e:  # KafkaException for a bad setting
        raise PublishError(f"cannot create a Kafka producer: {e}") from e
