import hashlib
import tempfile
import unittest
from unittest import mock
from pathlib import Path

from tunet_client import InputError, PublishError, Publisher, Stain

from . import fixtures
from .test_encoding import decode

SUFFIXES = ("red", "green", "blue", "yellow")


class PublisherTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.blobs = Path(self.tmp.name, "blobs")
        self.producer = fixtures.FakeProducer()

    def tearDown(self):
        self.tmp.cleanup()

    def publisher(self, **options):
        options.setdefault("producer", self.producer)
        return Publisher(instrument_id="scope-1", **options)

    def stains(self, **overrides):
        images = {s: fixtures.png() for s in SUFFIXES}
        images.update(overrides)
        return images

    def blob_files(self):
        return sorted(p for p in self.blobs.rglob("*") if p.is_file()) if self.blobs.exists() else []

    def test_four_records_keyed_by_the_sample_id_are_acknowledged(self):
        done = self.publisher().publish_field("P1-A01-f1", self.stains(), plate="P1", well="A01", field=1)
        self.assertEqual([(topic, key) for topic, key, _ in self.producer.produced],
                         [("acquisitions", b"P1-A01-f1")] * 4)
        self.assertEqual(sorted(decode(v)[2]["stain"] for _, _, v in self.producer.produced),
                         sorted(s.value for s in Stain))
        self.assertEqual((done.sample_id, done.inline_count, done.blob_count), ("P1-A01-f1", 4, 0))
        self.assertEqual(sorted(s.offset for s in done.stains), [0, 1, 2, 3])

    def test_stains_above_the_inline_limit_go_to_the_blob_store_at_the_lines_layout(self):
        large = fixtures.png_padded(3000)
        at_limit = fixtures.png_padded(2000)
        publisher = self.publisher(blob_root=self.blobs, inline_limit=len(at_limit))
        done = publisher.publish_field("s", self.stains(green=large, red=at_limit), plate="P", well="A01", field=1)
        self.assertEqual((done.inline_count, done.blob_count), (3, 1))
        digest = hashlib.sha256(large).hexdigest()
        blob = self.blobs / "sha256" / digest[:2] / digest
        self.assertEqual(self.blob_files(), [blob])
        self.assertEqual(blob.read_bytes(), large)
        records = {r["stain"]: r for r in (decode(v)[2] for _, _, v in self.producer.produced)}
        green = records["GREEN_PROTEIN"]
        self.assertEqual(green["image"]["content"],
                         {"uri": f"blob:sha256/{digest}", "sha256": digest, "size": len(large)})
        self.assertEqual(records["RED_MICROTUBULES"]["image"]["content"], at_limit)

    def test_without_a_blob_root_a_stain_too_large_for_a_record_is_refused_before_anything_is_sent(self):
        huge = fixtures.png_padded(4 * 1024 * 1024 + 10)
        with self.assertRaises(InputError) as caught:
            self.publisher().publish_field("s", self.stains(yellow=huge), plate="P", well="A01", field=1)
        self.assertIn("too large for one record", str(caught.exception))
        self.assertIn("--blob-root", str(caught.exception))
        self.assertEqual(self.producer.produced, [])

    def test_without_a_blob_root_large_stains_that_fit_a_record_travel_inline(self):
        large = fixtures.png_padded(1024 * 1024)
        done = self.publisher().publish_field("s", self.stains(blue=large), plate="P", well="A01", field=1)
        self.assertEqual(done.inline_count, 4)

    def test_a_missing_stain_sends_nothing(self):
        images = self.stains()
        del images["blue"]
        with self.assertRaisesRegex(InputError, "missing stain.*blue"):
            self.publisher().publish_field("s", images, plate="P", well="A01", field=1)
        self.assertEqual(self.producer.produced, [])

    def test_an_unreadable_stain_sends_nothing_and_writes_no_blob(self):
        images = self.stains(red=fixtures.png_padded(5000), yellow=b"not an image")
        with self.assertRaises(InputError) as caught:
            self.publisher(blob_root=self.blobs, inline_limit=1000).publish_field(
                "s", images, plate="P", well="A01", field=1)
        self.assertIn("yellow", str(caught.exception))
        self.assertIn("not PNG, TIFF or JPEG", str(caught.exception))
        self.assertEqual(self.producer.produced, [])
        self.assertEqual(self.blob_files(), [])

    def test_a_missing_file_is_named(self):
        with self.assertRaisesRegex(InputError, "cannot read the green image .*nowhere.png"):
            self.publisher().publish_field("s", self.stains(green="/nonexistent/nowhere.png"), plate="P",
                                           well="A01", field=1)

    def test_files_are_read_from_paths(self):
        paths = {}
        for suffix in SUFFIXES:
            paths[suffix] = Path(self.tmp.name, f"x_{suffix}.png")
            paths[suffix].write_bytes(fixtures.png((5, 7)))
        self.publisher().publish_field("x", paths, plate="P", well="A01", field=1)
        self.assertEqual({decode(v)[2]["image"]["width"] for _, _, v in self.producer.produced}, {5})

    def test_bad_arguments_are_refused(self):
        publisher = self.publisher()
        for kwargs, message in (
                (dict(sample_id="../etc"), "not a safe sample id"),
                (dict(plate=""), "plate must be"),
                (dict(field="3"), "field must be an int"),
                (dict(stains={**self.stains(), "purple": b""}), "unknown stain 'purple'"),
                (dict(stains={**self.stains(), "RED_MICROTUBULES": b""}), "red stain is given twice"),
                (dict(stains={**self.stains(), "red": 42}), "must be a path or bytes"),
        ):
            arguments = dict(sample_id="s", stains=self.stains(), plate="P", well="A01", field=1)
            arguments.update(kwargs)
            with self.subTest(message):
                with self.assertRaisesRegex(InputError, message):
                    publisher.publish_field(arguments.pop("sample_id"), arguments.pop("stains"), **arguments)
        self.assertEqual(self.producer.produced, [])

    def test_an_unreachable_broker_is_a_publish_error_and_nothing_is_sent(self):
        self.producer.unreachable = True
        with self.assertRaisesRegex(PublishError, "cannot reach Kafka"):
            self.publisher().publish_field("s", self.stains(), plate="P", well="A01", field=1)
        self.assertEqual(self.producer.produced, [])

    def test_a_missing_topic_is_a_publish_error(self):
        with self.assertRaisesRegex(PublishError, "topic elsewhere is not available"):
            self.publisher(topic="elsewhere").publish_field("s", self.stains(), plate="P", well="A01", field=1)

    def test_a_failed_delivery_raises(self):
        self.producer.fail = {2}  # stains go out in the order red, green, blue, yellow
        with self.assertRaisesRegex(PublishError, "blue: MSG_SIZE_TOO_LARGE"):
            self.publisher().publish_field("s", self.stains(), plate="P", well="A01", field=1)

    def test_stains_not_acknowledged_in_time_raise(self):
        self.producer.never_ack = True
        with self.assertRaisesRegex(PublishError, "4 stain\\(s\\) not acknowledged within 0.5 s"):
            self.publisher(delivery_timeout=0.5).publish_field("s", self.stains(), plate="P", well="A01", field=1)


class ProducerSettingsTest(unittest.TestCase):

    def test_the_producer_is_idempotent_waits_for_all_replicas_and_partitions_as_java_does(self):
        captured = {}

        class CapturingProducer(fixtures.FakeProducer):
            def __init__(self, config):
                super().__init__()
                captured.update(config)

        with mock.patch("confluent_kafka.Producer", CapturingProducer):
            Publisher("broker:9092", delivery_timeout=30,
                      producer_config={"acks": "1", "enable.idempotence": False, "client.id": "scope-3"})
        self.assertEqual(captured["bootstrap.servers"], "broker:9092")
        self.assertIs(captured["enable.idempotence"], True)
        self.assertEqual(captured["acks"], "all")
        self.assertEqual(captured["partitioner"], "murmur2_random")
        self.assertGreaterEqual(captured["message.max.bytes"], 4 * 1024 * 1024)
        self.assertEqual(captured["message.timeout.ms"], 30000)
        self.assertEqual(captured["client.id"], "scope-3")


if __name__ == "__main__":
    unittest.main()
