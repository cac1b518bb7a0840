package io.tunet.blob;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import io.tunet.schemas.BlobRef;

/**
 * A blob store in a local (or shared network) directory: blob {@code <hex>} lives at
 * {@code <root>/sha256/<hex[0..2]>/<hex>} and is referenced by the URI {@code blob:sha256/<hex>}.
 * Writes go to a temporary file first and are moved into place atomically, so readers never see a partial
 * blob and concurrent writers of the same bytes are harmless. Any reference whose URI is not of that form,
 * whose hash is not 64 hex digits, or which would resolve outside the root is refused.
 */
public final class LocalDirectoryBlobStore implements BlobStore {

    /** URI prefix of references this store issues. */
    public static final String URI_PREFIX = "blob:sha256/";

    private final Path root;

    public LocalDirectoryBlobStore(Path root) throws BlobStoreException {
        try {
            Files.createDirectories(root);
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot create blob store root " + root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public BlobRef put(byte[] bytes) throws BlobStoreException {
        String hex = Sha256.hex(bytes);
        BlobRef ref = BlobRef.newBuilder().setUri(URI_PREFIX + hex).setSha256(hex).setSize(bytes.length).build();
        Path target = pathOf(ref);
        if (Files.isRegularFile(target)) {
            return ref;
        }
        try {
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), hex.substring(0, 8), ".partial");
            try {
                Files.write(temp, bytes);
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot write blob " + ref.getUri(), e);
        }
        return ref;
    }

    @Override
    public byte[] get(BlobRef ref) throws BlobStoreException {
        Path path = pathOf(ref);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BlobStoreException(BlobStoreException.Reason.NOT_FOUND, "no blob " + ref.getUri(), e);
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot read blob " + ref.getUri(), e);
        }
        if (bytes.length != ref.getSize()) {
            throw new BlobStoreException(BlobStoreException.Reason.CHECKSUM_MISMATCH, "blob " + ref.getUri()
                    + " has " + bytes.length + " bytes, the reference says " + ref.getSize(), null);
        }
        String actual = Sha256.hex(bytes);
        if (!actual.equals(ref.getSha256())) {
            throw new BlobStoreException(BlobStoreException.Reason.CHECKSUM_MISMATCH,
                    "blob " + ref.getUri() + " has sha256 " + actual + ", the reference says " + ref.getSha256(), null);
        }
        return bytes;
    }

    @Override
    public boolean exists(BlobRef ref) throws BlobStoreException {
        return Files.isRegularFile(pathOf(ref));
    }

    @Override
    public void delete(BlobRef ref) throws BlobStoreException {
        try {
            Files.deleteIfExists(pathOf(ref));
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot delete blob " + ref.getUri(), e);
        }
    }

    /** The file a reference names, after validating it; never a path outside the root. */
    Path pathOf(BlobRef ref) throws BlobStoreException {
        String uri = ref.getUri();
        if (uri == null || !uri.startsWith(URI_PREFIX)) {
            throw invalid(ref, "URI must start with " + URI_PREFIX);
        }
        String hex = uri.substring(URI_PREFIX.length());
        if (!Sha256.isHex(hex)) {
            throw invalid(ref, "URI must end in 64 lower-case hex digits");
        }
        if (!hex.equals(ref.getSha256())) {
            throw invalid(ref, "URI and sha256 disagree");
        }
        Path path = root.resolve("sha256").resolve(hex.substring(0, 2)).resolve(hex).normalize();
        if (!path.startsWith(root)) {
            throw invalid(ref, "resolves outside the store");
        }
        return path;
    }

    private static BlobStoreException invalid(BlobRef ref, String why) {
        return new BlobStoreException(BlobStoreException.Reason.INVALID_REFERENCE,
                "refused blob reference '" + ref.getUri() + "': " + why, null);
    }
}
