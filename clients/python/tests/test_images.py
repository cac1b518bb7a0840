import tempfile
import unittest
from pathlib import Path

from tunet_client.errors import InputError
from tunet_client.images import ImageInfo, inspect_bytes, inspect_file

from . import fixtures


class AcceptedHeadersTest(unittest.TestCase):

    def test_format_size_and_bit_depth_are_read_as_the_line_reads_them(self):
        cases = {
            "8-bit grey PNG": (fixtures.png((30, 20), "L"), ImageInfo("PNG", 30, 20, 8)),
            "16-bit grey PNG": (fixtures.png((30, 20), "I;16"), ImageInfo("PNG", 30, 20, 16)),
            "RGB PNG (HPA website stains)": (fixtures.png((30, 20), "RGB"), ImageInfo("PNG", 30, 20, 8)),
            "8-bit palette PNG": (fixtures.png((30, 20), "P", bits=8), ImageInfo("PNG", 30, 20, 8)),
            "8-bit TIFF": (fixtures.encoded((30, 20), "L", "TIFF"), ImageInfo("TIFF", 30, 20, 8)),
            "16-bit TIFF": (fixtures.encoded((30, 20), "I;16", "TIFF"), ImageInfo("TIFF", 30, 20, 16)),
            "compressed TIFF": (fixtures.encoded((30, 20), "L", "TIFF", compression="tiff_deflate"),
                                ImageInfo("TIFF", 30, 20, 8)),
            "JPEG": (fixtures.encoded((30, 20), "L", "JPEG"), ImageInfo("JPEG", 30, 20, 8)),
        }
        for name, (data, expected) in cases.items():
            with self.subTest(name):
                self.assertEqual(inspect_bytes(data, name), expected)

    def test_a_tiff_pillow_cannot_open_is_read_by_tifffile(self):
        import io

        import numpy as np
        import tifffile
        out = io.BytesIO()
        tifffile.imwrite(out, np.zeros((20, 30, 5), np.uint16), photometric="minisblack", planarconfig="contig")
        self.assertEqual(inspect_bytes(out.getvalue(), "five samples"), ImageInfo("TIFF", 30, 20, 16))

    def test_a_file_is_checked_without_reading_it_whole(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory, "x_red.png")
            path.write_bytes(fixtures.png((40, 10), "I;16"))
            self.assertEqual(inspect_file(path), ImageInfo("PNG", 40, 10, 16))


class RefusedHeadersTest(unittest.TestCase):

    def assertRefused(self, data, *fragments):
        with self.assertRaises(InputError) as caught:
            inspect_bytes(data, "stain.img")
        for fragment in ("stain.img",) + fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_not_an_image(self):
        self.assertRefused(fixtures.encoded((8, 8), "L", "GIF"), "not PNG, TIFF or JPEG")
        self.assertRefused(b"hello, world", "not PNG, TIFF or JPEG")
        self.assertRefused(b"", "empty")

    def test_cut_short(self):
        png = fixtures.png((64, 64), "L")
        self.assertRefused(png[: len(png) - 20], "cut short", "IEND")
        jpeg = fixtures.encoded((64, 64), "L", "JPEG")
        self.assertRefused(jpeg[: len(jpeg) // 2], "cut short", "end-of-image")
        tiff = fixtures.encoded((64, 64), "L", "TIFF")
        self.assertRefused(tiff[: len(tiff) - 100], "cut short", "pixel data")
        self.assertRefused(tiff[:100], "does not say where its pixels are")
        self.assertRefused(tiff[:7], "cut short")

    def test_damaged_header(self):
        png = bytearray(fixtures.png())
        png[30] ^= 0xFF  # IHDR's CRC no longer matches
        self.assertRefused(bytes(png), "unreadable PNG header")

    def test_sizes_the_line_refuses(self):
        self.assertRefused(fixtures.png_claiming(100000, 100000), "100000x100000", "limit")
        self.assertRefused(fixtures.png_claiming(8193, 10), "8193x10")
        self.assertRefused(fixtures.png_claiming(8192, 8192 + 1), "limit")

    def test_bit_depths_the_line_refuses(self):
        self.assertRefused(fixtures.png((16, 16), "1"), "1-bit samples")
        self.assertRefused(fixtures.png((16, 16), "P", bits=4), "4-bit palette")
        self.assertRefused(fixtures.encoded((16, 16), "F", "TIFF"), "32-bit floating-point")
        self.assertRefused(fixtures.encoded((16, 16), "I", "TIFF"), "32-bit signed")

    def test_an_unreadable_file_names_its_path(self):
        with self.assertRaisesRegex(InputError, "cannot read .*nowhere.png"):
            inspect_file("/nonexistent/nowhere.png")


if __name__ == "__main__":
    unittest.main()
