"""The line's local-directory blob store (claim check), write side, laid out exactly as the Java
``LocalDirectoryBlobStore``: blob ``<hex>`` at ``<root>/sha256/<hex[0:2]>/<hex>``, URI ``blob:sha256/<hex>``."""

import hashlib
import os
import tempfile
from pathlib import Path

from .errors import PublishError

URI_PREFIX = "blob:sha256/"


def blob_ref(data: bytes) -> dict:
    """The ``BlobRef`` datum the store issues for ``data``: URI, lower-case hex SHA-256 and size."""
    hex_digest = hashlib.sha256(data).hexdigest()
    return {"uri": URI_PREFIX + hex_digest, "sha256": hex_digest, "size": len(data)}


class LocalDirectoryBlobStore:
    """Writes blobs into a directory the services share (a local folder or a network mount)."""

    def __init__(self, root):
        self.root = Path(root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise PublishError(f"cannot create blob store root {root}: {e.strerror or e}") from e

    def put(self, data: bytes) -> dict:
        """Stores ``data`` (once: the same bytes are the same blob) and returns the ``BlobRef`` datum.

        Written to a temporary file beside the target and renamed into place, so that a reader never sees
        a partial blob and two writers of the same bytes are harmless.
        """
        ref = blob_ref(data)
        hex_digest = ref["sha256"]
        target = self.path_of(hex_digest)
        if target.is_file():
            return ref
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=hex_digest[:8], suffix=".partial", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, target)
            finally:
                if os.path.exists(temp):
                    os.unlink(temp)
        except OSError as e:
            raise PublishError(f"cannot write blob {ref['uri']} under {self.root}: {e.strerror or e}") from e
        return ref

    def path_of(self, hex_digest: str) -> Path:
        return self.root / "sha256" / hex_digest[:2] / hex_digest
