import datetime
import hashlib
import io
import json
import struct
import tempfile
import unittest
from pathlib import Path

import avro.io

from tunet_client.encoding import MAGIC, SchemaSet, SingleObjectEncoder, crc64_avro, fingerprint
from tunet_client.errors import SchemaError
from tunet_client.publisher import ACQUISITION, Publisher

from . import fixtures

SCHEMAS = SchemaSet()


def decode(value: bytes):
    """Splits a single-object encoded value and reads its body with python-avro against the same schema."""
    schema = SCHEMAS.get(ACQUISITION)
    reader = avro.io.DatumReader(schema, schema)
    return value[:2], struct.unpack("<Q", value[2:10])[0], reader.read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


class Crc64AvroTest(unittest.TestCase):

    def test_matches_the_java_implementation_on_known_inputs(self):
        # SchemaNormalization.fingerprint64 of Java Avro 1.12.1 over the same UTF-8 bytes
        expected = {
            '"null"': 0x63DD24E7CC258F8A,
            '"int"': 0x7275D51A3F395C8F,
            '{"type":"long"}': 0x69F5CBD223E397A9,
            "Pépé": 0xC1F28A02CE14B08E,
        }
        for text, value in expected.items():
            with self.subTest(text=text):
                self.assertEqual(crc64_avro(text.encode("utf-8")), value)

    def test_fingerprint_is_taken_over_python_avros_own_canonical_form(self):
        schema = SCHEMAS.get(ACQUISITION)
        # python-avro keeps the logical type's base as an object; the Java readers know this variant
        self.assertIn('{"name":"acquiredAt","type":{"type":"long"}}', schema.canonical_form)
        self.assertEqual(fingerprint(schema), crc64_avro(schema.canonical_form.encode("utf-8")))


class SchemaSetTest(unittest.TestCase):

    def test_resolves_the_common_named_types_the_records_refer_to(self):
        acquisition = SCHEMAS.get(ACQUISITION)
        image = acquisition.fields_dict["image"].type
        self.assertEqual(image.fullname, "io.tunet.schemas.Image")
        self.assertEqual(acquisition.fields_dict["stain"].type.symbols[:4],
                         ["RED_MICROTUBULES", "GREEN_PROTEIN", "BLUE_NUCLEUS", "YELLOW_ER"])
        self.assertIs(SCHEMAS.get("Acquisition"), acquisition)
        self.assertEqual(SCHEMAS.get("io.tunet.schemas.DeadLetterReason").type, "enum")

    def test_a_directory_without_schemas_is_a_clear_error(self):
        with tempfile.TemporaryDirectory() as empty:
            with self.assertRaisesRegex(SchemaError, "no .avsc files"):
                SchemaSet(empty)

    def test_a_reference_to_an_undefined_type_names_it(self):
        with tempfile.TemporaryDirectory() as directory:
            Path(directory, "A.avsc").write_text(json.dumps({
                "type": "record", "name": "A", "namespace": "x",
                "fields": [{"name": "b", "type": "x.Missing"}]}))
            with self.assertRaisesRegex(SchemaError, "x.Missing"):
                SchemaSet(directory)


class AcquisitionEncodingTest(unittest.TestCase):

    def setUp(self):
        self.blobs = tempfile.TemporaryDirectory()
        self.publisher = Publisher(producer=fixtures.FakeProducer(), instrument_id="scope-7",
                                   blob_root=self.blobs.name, inline_limit=1000)

    def tearDown(self):
        self.blobs.cleanup()

    def test_header_is_c3_01_and_the_little_endian_fingerprint(self):
        encoder = SingleObjectEncoder(SCHEMAS.get(ACQUISITION))
        self.assertEqual(encoder.header[:2], MAGIC)
        self.assertEqual(encoder.header, b"\xc3\x01" + struct.pack("<Q", fingerprint(SCHEMAS.get(ACQUISITION))))

    def test_records_decode_with_python_avro_to_the_values_given_and_the_headers_read(self):
        small = fixtures.png((20, 10), "I;16")
        large = fixtures.png_padded(5000)
        tiff = fixtures.encoded((7, 5), "L", "TIFF")
        jpeg = fixtures.encoded((9, 4), "L", "JPEG")
        when = datetime.datetime(2026, 11, 25, 21, 18, 3, 250000, tzinfo=datetime.timezone.utc)
        prepared = self.publisher.prepare_field(
            "P1-B07-f3", {"red": small, "green": large, "blue": tiff, "yellow": jpeg}, plate="P1", well="B07",
            field=3, cell_line="U-2 OS", metadata={"objective": "63x"}, acquired_at=when)
        by_stain = {p.stain.suffix: decode(value) for p, value, _ in prepared}
        expected_images = {
            "red": ("PNG", 20, 10, 16, small),
            "green": ("PNG", 16, 12, 8, None),
            "blue": ("TIFF", 7, 5, 8, tiff),
            "yellow": ("JPEG", 9, 4, 8, jpeg),
        }
        symbols = {"red": "RED_MICROTUBULES", "green": "GREEN_PROTEIN", "blue": "BLUE_NUCLEUS",
                   "yellow": "YELLOW_ER"}
        for stain, (magic, fp, record) in by_stain.items():
            with self.subTest(stain=stain):
                self.assertEqual(magic, b"\xc3\x01")
                self.assertEqual(fp, fingerprint(SCHEMAS.get(ACQUISITION)))
                self.assertEqual(record["sampleId"], "P1-B07-f3")
                self.assertEqual((record["plate"], record["well"], record["field"]), ("P1", "B07", 3))
                self.assertEqual(record["stain"], symbols[stain])
                self.assertEqual(record["instrumentId"], "scope-7")
                self.assertEqual(record["cellLine"], "U-2 OS")
                self.assertEqual(record["metadata"], {"objective": "63x"})
                self.assertEqual(record["acquiredAt"], when)
                fmt, width, height, depth, inline = expected_images[stain]
                image = record["image"]
                self.assertEqual((image["format"], image["width"], image["height"], image["bitDepth"]),
                                 (fmt, width, height, depth))
                if inline is not None:
                    self.assertEqual(image["content"], inline)
        ref = by_stain["green"][2]["image"]["content"]
        digest = hashlib.sha256(large).hexdigest()
        self.assertEqual(ref, {"uri": "blob:sha256/" + digest, "sha256": digest, "size": len(large)})

    def test_every_stain_gets_its_own_acquisition_id(self):
        image = fixtures.png()
        prepared = self.publisher.prepare_field("s1", dict.fromkeys(("red", "green", "blue", "yellow"), image),
                                                plate="P", well="A01", field=1)
        ids = [decode(value)[2]["acquisitionId"] for _, value, _ in prepared]
        self.assertEqual(len(set(ids)), 4)
        self.assertEqual([p.acquisition_id for p, _, _ in prepared], ids)


if __name__ == "__main__":
    unittest.main()
