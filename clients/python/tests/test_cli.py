import contextlib
import io
import tempfile
import time
import unittest
from pathlib import Path

from tunet_client import cli

from . import fixtures


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(list(argv))
        except SystemExit as e:
            status = e.code
    return status, out.getvalue(), err.getvalue()


class CommandLineTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def field(self, sample_id, data=None):
        for stain in ("red", "green", "blue", "yellow"):
            Path(self.dir, f"{sample_id}_{stain}.png").write_bytes(data or fixtures.png())

    def test_fields_fill_plates_as_the_simulator_places_them(self):
        self.assertEqual(cli.plate_position("HPA", 0), ("HPA-P1", "A01", 1))
        self.assertEqual(cli.plate_position("HPA", 11), ("HPA-P1", "A12", 1))
        self.assertEqual(cli.plate_position("HPA", 12), ("HPA-P1", "B01", 1))
        self.assertEqual(cli.plate_position("HPA", 95), ("HPA-P1", "H12", 1))
        self.assertEqual(cli.plate_position("X", 96), ("X-P2", "A01", 1))

    def test_a_directory_with_a_broken_field_is_refused_whole_before_connecting(self):
        self.field("good")
        self.field("broken")
        Path(self.dir, "broken_green.png").write_bytes(fixtures.png()[:40])
        # an address nothing listens on: reaching Kafka would fail with status 3, not 1
        status, out, err = run("publish-dir", str(self.dir), "--bootstrap-servers", "127.0.0.1:1")
        self.assertEqual(status, 1, err)
        self.assertIn("nothing was sent", err)
        self.assertIn("broken green", err)
        self.assertNotIn("good", err)

    def test_a_missing_stain_file_is_exit_status_1(self):
        self.field("a")
        Path(self.dir, "a_red.png").unlink()
        status, _, err = run("publish-dir", str(self.dir))
        self.assertEqual(status, 1)
        self.assertIn("a: missing stain file", err)

    def test_publish_field_names_the_unreadable_file(self):
        self.field("a")
        status, _, err = run("publish-field", "a", str(self.dir / "a_red.png"), str(self.dir / "a_green.png"),
                             str(self.dir / "nope.png"), str(self.dir / "a_yellow.png"))
        self.assertEqual(status, 1)
        self.assertIn("nope.png", err)

    def test_an_unreachable_broker_fails_within_the_connect_timeout_with_status_3(self):
        self.field("a")
        start = time.monotonic()
        status, out, err = run("publish-dir", str(self.dir), "--bootstrap-servers", "127.0.0.1:1",
                               "--connect-timeout", "1")
        self.assertEqual(status, 3, err)
        self.assertIn("cannot reach Kafka at 127.0.0.1:1 within 1 s", err)
        self.assertLess(time.monotonic() - start, 20)

    def test_bad_usage_is_status_2(self):
        status, _, _ = run("publish-field", "only-an-id")
        self.assertEqual(status, 2)


if __name__ == "__main__":
    unittest.main()
