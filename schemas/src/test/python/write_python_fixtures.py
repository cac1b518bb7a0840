#!/usr/bin/python3
"""Single-object encoded records written by Python's avro library, for the Java readers' tests.

A Python publisher fingerprints the schema's parsing canonical form as python avro writes it, which is not
Java's for a long with a logical type (issue 15). This script writes one record of every top-level schema,
and of every released history version, the way such a publisher does: it parses the project's own .avsc
files with python avro, single-object encodes (C3 01, CRC-64-AVRO of python avro's canonical form, little
endian, then the body) and writes <Name>.bin plus fingerprints.tsv (file, fingerprint as a hex number,
canonical form) into the output folder. The values are those of the Java tests' Records.all().

Regenerate (Debian 12: apt-get install python3-avro, version 1.11.1), from the repository root:

    /usr/bin/python3 schemas/src/test/python/write_python_fixtures.py \
        schemas/src/test/resources/io/tunet/schemas/foreign/python-avro-1.11

The output is deterministic: rerunning it with the same library and schemas changes no byte.
"""
import datetime
import io
import json
import pathlib
import sys

import avro
import avro.io
import avro.name
import avro.schema

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "main"
AVRO_DIR = SCHEMAS / "avro"
HISTORY_DIR = SCHEMAS / "resources" / "io" / "tunet" / "schemas" / "history"

# Named types shared by the records, in dependency order (as the Java build imports them).
COMMON = ["common/BlobRef.avsc", "common/ImageFormat.avsc", "common/Stain.avsc", "common/Image.avsc"]

# CRC-64-AVRO as the Avro specification defines it (python avro 1.11 has no fingerprint function).
EMPTY = 0xC15D213AA4D7A795
TABLE = []
for i in range(256):
    fp = i
    for _ in range(8):
        fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
    TABLE.append(fp)


def crc64_avro(data):
    fp = EMPTY
    for b in data:
        fp = (fp >> 8) ^ TABLE[(fp ^ b) & 0xFF]
    return fp


T0 = datetime.datetime(2026, 11, 25, 10, 15, 30, 123000, tzinfo=datetime.timezone.utc)


def ms(millis):
    return T0 + datetime.timedelta(milliseconds=millis)


def blob_ref():
    return {"uri": "blob:sha256/ab/abcdef", "sha256": "ab" * 32, "size": 8388608}


def inline_image():
    return {"format": "PNG", "width": 64, "height": 64, "bitDepth": 8, "content": b"\x89PNG\x01\x02\x03"}


def blob_image():
    return {"format": "TIFF", "width": 2048, "height": 2048, "bitDepth": 16, "content": blob_ref()}


def model_version():
    return {
        "modelName": "tunet", "version": 4, "status": "PROMOTED", "statusReason": "macro-F1 +0.031",
        "architecture": "tunet-cpu", "onnx": blob_ref(), "inputSize": 128, "thresholds": [0.3] * 28,
        "metrics": {"macroF1": 0.61, "microF1": 0.72, "precision": 0.7, "recall": 0.6,
                    "perClassF1": [0.61] * 28, "dice": 0.55, "validationSize": 1000},
        "trainingSetSize": 8000, "snapshotId": "snap-2026-11-25", "parentVersion": 3, "createdAt": T0,
        "checkpoint": blob_ref(), "signature": None,
    }


def stain_quality(saturated, p1):
    return {"saturatedFraction": saturated, "p1": p1, "p50": 0.0625, "p99": 0.25, "p999": 0.5}


def field_quality():
    return {
        "flags": ["OUT_OF_FOCUS", "DIM_GREEN"], "focus": 3.25, "laplacianVariance": 0.0015,
        "foregroundFraction": 0.055, "nuclei": 8, "red": stain_quality(0.0007, 0.01),
        "green": stain_quality(0.0, 0.0001), "blue": stain_quality(0.0002, 0.02), "yellow": stain_quality(0.0, 0.03),
    }


def records():
    probabilities = [0.0] * 28
    probabilities[0] = 0.91
    probabilities[25] = 0.47
    v2_model = model_version()
    del v2_model["signature"]
    old_model = dict(v2_model)
    del old_model["checkpoint"]
    classification = {
        "sampleId": "P1-B07-3", "plate": "P1", "well": "B07", "field": 3, "modelName": "tunet",
        "modelVersion": 4, "probabilities": probabilities, "predictedLabels": [0, 25], "thresholds": [0.4] * 28,
        "inferenceLatencyMillis": 12.5, "device": "cpu", "sampleAssembledAt": T0, "lastAcquiredAt": T0,
        "classifiedAt": ms(80),
    }
    return {
        "Acquisition": {
            "acquisitionId": "acq-1", "sampleId": "P1-B07-3", "plate": "P1", "well": "B07", "field": 3,
            "stain": "GREEN_PROTEIN", "image": inline_image(), "instrumentId": "scope-7", "cellLine": "U-2 OS",
            "acquiredAt": T0, "metadata": {"objective": "63x"},
        },
        "Sample": {
            "sampleId": "P1-B07-3", "plate": "P1", "well": "B07", "field": 3, "red": inline_image(),
            "green": blob_image(), "blue": inline_image(), "yellow": inline_image(), "instrumentId": "scope-7",
            "cellLine": None, "firstAcquiredAt": T0, "lastAcquiredAt": ms(40), "assembledAt": ms(50),
            "sourceAcquisitionIds": ["a", "b", "c", "d"],
        },
        "IncompleteSample": {
            "sampleId": "P1-B07-4", "plate": "P1", "well": "B07", "field": 4,
            "stainsPresent": ["RED_MICROTUBULES"], "stainsMissing": ["GREEN_PROTEIN", "BLUE_NUCLEUS", "YELLOW_ER"],
            "reason": "timed out after PT5M", "acquisitionIds": ["a"], "images": {"RED_MICROTUBULES": blob_image()},
            "firstSeenAt": T0, "emittedAt": ms(300_000),
        },
        "DeadLetter": {
            "reason": "UNREADABLE_IMAGE", "detail": "PNG truncated at byte 33", "sourceTopic": "acquisitions",
            "sourcePartition": 2, "sourceOffset": 4711, "originalKey": "P1-B07-3", "payload": b"\x01\x02\x03",
            "payloadRef": None, "service": "ingest-service", "failedAt": T0,
        },
        "Classification": dict(classification, qc=field_quality(),
                               thumbnail={"png": b"\x89PNG\x04\x05\x06", "width": 192, "height": 96}),
        "Classification-v1": classification,
        "Classification-v2": dict(classification, qc=field_quality()),
        "SegmentationMask": {
            "sampleId": "P1-B07-3", "modelName": "tunet", "modelVersion": 4, "width": 128, "height": 128,
            "masks": [{"classIndex": 0, "area": 30, "runs": [100, 30, 16254]}], "createdAt": T0,
        },
        "LabelFeedback": {
            "feedbackId": "fb-1", "sampleId": "P1-B07-3", "labels": [0, 2], "labelledBy": "curator:ana",
            "source": "CURATOR", "comment": "nucleoli clearly visible", "labelledAt": T0,
        },
        "ModelVersion": model_version(),
        "ModelVersion-v1": old_model,
        "ModelVersion-v2": v2_model,
    }


def parse_schemas():
    names = avro.name.Names()
    for common in COMMON:
        avro.schema.make_avsc_object(json.loads((AVRO_DIR / common).read_text()), names)
    schemas = {}
    for path in sorted(AVRO_DIR.glob("*.avsc")):
        schemas[path.stem] = avro.schema.make_avsc_object(json.loads(path.read_text()), names)
    for line in (HISTORY_DIR / "index.txt").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            # a history file stands alone (its named types inlined), so it gets fresh names
            schemas[line[:-len(".avsc")]] = avro.schema.parse((HISTORY_DIR / line).read_text())
    return schemas


def single_object(schema, datum):
    fingerprint = crc64_avro(schema.canonical_form.encode("utf-8"))
    out = io.BytesIO()
    out.write(b"\xc3\x01")
    out.write(fingerprint.to_bytes(8, "little"))
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(out))
    return fingerprint, out.getvalue()


def main(out_dir):
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    schemas = parse_schemas()
    data = records()
    if set(schemas) != set(data):
        sys.exit(f"schemas {sorted(schemas)} and records {sorted(data)} differ: add a record for every schema")
    lines = [f"# written by python avro {avro.__version__}: file, fingerprint (CRC-64-AVRO as a hex number), "
             "canonical form"]
    for name in sorted(schemas):
        fingerprint, payload = single_object(schemas[name], data[name])
        (out / f"{name}.bin").write_bytes(payload)
        lines.append(f"{name}.bin\t{fingerprint:016x}\t{schemas[name].canonical_form}")
    (out / "fingerprints.tsv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
