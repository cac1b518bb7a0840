import tempfile
import unittest
from pathlib import Path

from tunet_client import hpa
from tunet_client.errors import InputError
from tunet_client.stains import Stain

from . import fixtures


class ScanTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def field(self, sample_id, extensions=None):
        extensions = extensions or {}
        for stain in ("red", "green", "blue", "yellow"):
            Path(self.dir, f"{sample_id}_{stain}.{extensions.get(stain, 'png')}").write_bytes(fixtures.png())

    def test_fields_are_the_ids_of_the_stain_files_sorted_and_other_files_are_ignored(self):
        self.field("b-2")
        self.field("a-1", {"green": "tif", "blue": "jpeg", "yellow": "tiff"})
        Path(self.dir, "train.csv").write_text("Id,Target\nzzz,0\n")
        Path(self.dir, "notes.txt").write_text("not a stain")
        Path(self.dir, "c_red.gif").write_bytes(b"GIF89a")
        fields = hpa.scan(self.dir)
        self.assertEqual([sample_id for sample_id, _ in fields], ["a-1", "b-2"])
        stains = dict(fields)["a-1"]
        self.assertEqual({s: p.name for s, p in stains.items()}, {
            Stain.RED: "a-1_red.png", Stain.GREEN: "a-1_green.tif", Stain.BLUE: "a-1_blue.jpeg",
            Stain.YELLOW: "a-1_yellow.tiff"})

    def test_a_missing_stain_is_named_and_nothing_is_returned(self):
        self.field("ok")
        self.field("short")
        Path(self.dir, "short_yellow.png").unlink()
        with self.assertRaises(InputError) as caught:
            hpa.scan(self.dir)
        self.assertIn("short: missing stain file", str(caught.exception))
        self.assertIn("short_yellow", str(caught.exception))
        self.assertNotIn("ok:", str(caught.exception))

    def test_two_files_for_one_stain_are_refused(self):
        self.field("dup")
        Path(self.dir, "dup_red.tif").write_bytes(fixtures.png())
        with self.assertRaisesRegex(InputError, "dup: two red files"):
            hpa.scan(self.dir)

    def test_ids_that_are_not_safe_sample_ids_are_refused(self):
        self.field("-bad")
        self.field("a..b")
        with self.assertRaises(InputError) as caught:
            hpa.scan(self.dir)
        self.assertIn("'-bad' is not a safe sample id", str(caught.exception))
        self.assertIn("'a..b' is not a safe sample id", str(caught.exception))

    def test_not_a_directory_and_no_stain_files(self):
        with self.assertRaisesRegex(InputError, "not a directory"):
            hpa.scan(self.dir / "absent")
        with self.assertRaisesRegex(InputError, "holds no stain files"):
            hpa.scan(self.dir)


class SafeIdTest(unittest.TestCase):

    def test_the_lines_rule(self):
        for good in ("5c27f04c-bb99-11e8-b2b9-ac1f6b6435d0", "P1-B07-f3", "a.b_c", "x" * 200):
            self.assertTrue(hpa.is_safe_id(good), good)
        for bad in ("", "../x", "a/b", ".hidden", "a..b", "x" * 201, "a b", None, 7):
            self.assertFalse(hpa.is_safe_id(bad), bad)


if __name__ == "__main__":
    unittest.main()
