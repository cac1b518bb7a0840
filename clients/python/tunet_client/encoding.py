"""Avro single-object encoding of the project's records, built from the project's own .avsc files.

A value on every topic of the line is ``C3 01``, the writer schema's 8-byte little-endian CRC-64-AVRO
fingerprint, then the Avro binary body (README, "Contracts"). The fingerprint is taken over the schema's
parsing canonical form *as python-avro writes it*: python-avro 1.11 writes ``{"type":"long"}`` where a long
carries a logical type (``acquiredAt``), Java writes ``"long"``, so the two fingerprints differ. The Java
readers know both variants (DESIGN §6); this module does not imitate Java's form.
"""

import io
import json
import os
import struct
from pathlib import Path

import avro.errors
import avro.io
import avro.name
import avro.schema

from .errors import SchemaError

#: The two marker bytes that start every single-object encoded value.
MAGIC = b"\xc3\x01"

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}
_EMPTY = 0xC15D213AA4D7A795


def _crc64_table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_EMPTY & -(fp & 1))
        table.append(fp)
    return tuple(table)


_TABLE = _crc64_table()


def crc64_avro(data: bytes) -> int:
    """The Avro specification's 64-bit Rabin fingerprint (CRC-64-AVRO) of ``data``, as an unsigned int."""
    fp = _EMPTY
    for byte in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


def fingerprint(schema: avro.schema.Schema) -> int:
    """CRC-64-AVRO of python-avro's parsing canonical form of ``schema`` (UTF-8)."""
    return crc64_avro(schema.canonical_form.encode("utf-8"))


def header(schema: avro.schema.Schema) -> bytes:
    """The single-object header: ``C3 01`` + the fingerprint, little-endian."""
    return MAGIC + struct.pack("<Q", fingerprint(schema))


def default_schema_dir() -> Path:
    """``$TUNET_SCHEMA_DIR``, else ``schemas/src/main/avro`` of the repository this package sits in."""
    configured = os.environ.get("TUNET_SCHEMA_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / "schemas" / "src" / "main" / "avro"


class SchemaSet:
    """Every named schema of a directory of .avsc files (searched recursively, ``common/`` included).

    Files may refer to types defined in other files by full name, as the Java build's ``<imports>`` allow;
    they are parsed in dependency order into one ``avro.name.Names``, so each schema knows the others.
    """

    def __init__(self, directory=None):
        directory = Path(directory) if directory is not None else default_schema_dir()
        files = sorted(directory.rglob("*.avsc")) if directory.is_dir() else []
        if not files:
            raise SchemaError(f"no .avsc files in {directory}: point TUNET_SCHEMA_DIR (or --schema-dir) at "
                              "the project's schemas/src/main/avro")
        documents = {}
        for path in files:
            try:
                documents[path] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise SchemaError(f"cannot read {path}: {e}") from e
        self._names = avro.name.Names()
        self._schemas = {}
        for path in _dependency_order(documents):
            try:
                schema = avro.schema.make_avsc_object(documents[path], self._names)
            except avro.errors.AvroException as e:
                raise SchemaError(f"{path} does not parse: {e}") from e
            if isinstance(schema, avro.schema.NamedSchema):
                self._schemas.setdefault(schema.name, schema)

    def get(self, name: str) -> avro.schema.Schema:
        """The named schema of a full name (``io.tunet.schemas.Acquisition``, nested types included) or of a
        file's top-level short name (``Acquisition``)."""
        schema = self._names.names.get(name) or self._schemas.get(name)
        if schema is None:
            raise SchemaError(f"no schema named {name}; known: {sorted(self._names.names)}")
        return schema


def _defined(document, namespace):
    """Full names a schema document defines, anywhere inside it."""
    found = set()
    _walk(document, namespace, found, None)
    return found


def _referenced(document, namespace):
    refs = set()
    _walk(document, namespace, None, refs)
    return refs


def _full(name, namespace):
    return name if "." in name or not namespace else f"{namespace}.{name}"


def _walk(node, namespace, defined, referenced):
    if isinstance(node, str):
        if referenced is not None and node not in _PRIMITIVES:
            referenced.add(_full(node, namespace))
    elif isinstance(node, list):
        for branch in node:
            _walk(branch, namespace, defined, referenced)
    elif isinstance(node, dict):
        kind = node.get("type")
        if kind in ("record", "error", "enum", "fixed") and isinstance(node.get("name"), str):
            full = _full(node["name"], node.get("namespace", namespace))
            namespace = full.rpartition(".")[0]
            if defined is not None:
                defined.add(full)
            for field in node.get("fields", []):
                _walk(field.get("type"), namespace, defined, referenced)
        elif kind in ("array", "map"):
            _walk(node.get("items" if kind == "array" else "values"), namespace, defined, referenced)
        else:
            _walk(kind, namespace, defined, referenced)


def _dependency_order(documents):
    defined_by = {}
    for path, document in documents.items():
        for name in _defined(document, None):
            defined_by[name] = path
    order, done, visiting = [], set(), set()

    def visit(path):
        if path in done:
            return
        if path in visiting:
            raise SchemaError(f"{path} is part of a cycle of .avsc files")
        visiting.add(path)
        own = _defined(documents[path], None)
        for name in sorted(_referenced(documents[path], None) - own):
            if name not in defined_by:
                raise SchemaError(f"{path} refers to {name}, which no .avsc file defines")
            visit(defined_by[name])
        visiting.discard(path)
        done.add(path)
        order.append(path)

    for path in documents:
        visit(path)
    return order


class SingleObjectEncoder:
    """Encodes records of one schema as single-object encoded bytes; validates every datum first."""

    def __init__(self, schema: avro.schema.Schema):
        self.schema = schema
        self.header = header(schema)
        self._writer = avro.io.DatumWriter(schema)

    def encode(self, datum) -> bytes:
        """``C3 01`` + fingerprint + binary body.

        :raises avro.errors.AvroTypeException: if the datum does not match the schema
        """
        out = io.BytesIO()
        out.write(self.header)
        self._writer.write(datum, avro.io.BinaryEncoder(out))
        return out.getvalue()
