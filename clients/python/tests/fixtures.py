"""Small images made on the fly, and a stand-in for confluent-kafka's Producer."""

import io
import struct
import zlib

import numpy as np
from PIL import Image


def png(size=(16, 12), mode="L", **save):
    """A PNG of the given Pillow mode ("L", "I;16", "RGB", "P", "1")."""
    if mode == "I;16":
        image = Image.fromarray(np.arange(size[0] * size[1], dtype=np.uint16).reshape(size[1], size[0]) * 97,
                                mode="I;16")
    else:
        image = Image.new(mode, size)
    out = io.BytesIO()
    image.save(out, format="PNG", **save)
    return out.getvalue()


def encoded(size=(16, 12), mode="L", fmt="TIFF", **save):
    out = io.BytesIO()
    if mode == "I;16":
        image = Image.fromarray(np.zeros((size[1], size[0]), dtype=np.uint16), mode="I;16")
    else:
        image = Image.new(mode, size)
    image.save(out, format=fmt, **save)
    return out.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width, height, base=None):
    """A PNG whose IHDR (with a valid CRC) claims another size than its pixels have."""
    data = bytearray(base or png())
    ihdr = bytes(data[16:29])
    ihdr = struct.pack(">II", width, height) + ihdr[8:]
    data[8:33] = chunk(b"IHDR", ihdr)
    return bytes(data)


def png_padded(total_bytes):
    """A valid small PNG made about ``total_bytes`` long by a private chunk after its pixels."""
    data = png()
    iend = data.rindex(b"IEND") - 4
    padding = max(0, total_bytes - len(data) - 12)
    return data[:iend] + chunk(b"prVt", b"\0" * padding) + data[iend:]


class FakeMessage:
    def __init__(self, topic, key, value, partition, offset):
        self._topic, self._key, self._value = topic, key, value
        self._partition, self._offset = partition, offset

    def topic(self):
        return self._topic

    def key(self):
        return self._key

    def value(self):
        return self._value

    def partition(self):
        return self._partition

    def offset(self):
        return self._offset


class FakeTopic:
    def __init__(self, error=None, partitions=6):
        self.error = error
        self.partitions = {p: object() for p in range(partitions)}


class FakeMetadata:
    def __init__(self, topics):
        self.topics = topics


class FakeProducer:
    """Records what was produced; delivers on flush, failing the records whose index is in ``fail``."""

    def __init__(self, topics=("acquisitions",), unreachable=False, fail=(), never_ack=False):
        self.topics = {t: FakeTopic() for t in topics}
        self.unreachable = unreachable
        self.fail = set(fail)
        self.never_ack = never_ack
        self.produced = []
        self._pending = []

    def list_topics(self, topic=None, timeout=-1):
        if self.unreachable:
            raise RuntimeError("KafkaError{code=_TRANSPORT,str=\"Failed to get metadata\"}")
        return FakeMetadata(dict(self.topics))

    def produce(self, topic, key=None, value=None, on_delivery=None):
        self._pending.append((topic, key, value, on_delivery))

    def flush(self, timeout=-1):
        if self.never_ack:
            return len(self._pending)
        for topic, key, value, callback in self._pending:
            index = len(self.produced)
            self.produced.append((topic, key, value))
            callback("MSG_SIZE_TOO_LARGE" if index in self.fail else None, FakeMessage(topic, key, value, 0, index))
        self._pending.clear()
        return 0
