"""Python client of TUNet Stream: publishes four-stain microscope fields to the line's ``acquisitions`` topic.

>>> from tunet_client import Publisher
>>> with Publisher("broker:9092", instrument_id="scope-7", blob_root="/mnt/tunet/blobs") as publisher:
...     publisher.publish_field("P1-B07-f3", {"red": "r.png", "green": "g.png", "blue": "b.png",
...                                           "yellow": "y.png"}, plate="P1", well="B07", field=3)
"""

from .errors import InputError, PublishError, SchemaError, TunetClientError
from .publisher import PublishedField, PublishedStain, Publisher
from .stains import Stain

__all__ = ["Publisher", "PublishedField", "PublishedStain", "Stain", "TunetClientError", "InputError",
           "PublishError", "SchemaError"]
