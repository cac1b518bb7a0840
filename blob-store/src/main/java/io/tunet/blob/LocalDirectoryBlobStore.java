package io.tunet.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.tunet.schemas.BlobRef;

/**
 * A blob store in a local (or shared network) directory: blob {@code <hex>} lives at
 * {@code <root>/sha256/<hex[0..2]>/<hex>} and is referenced by the URI {@code blob:sha256/<hex>}.
 * Writes go to a temporary file that is synced to disk before it is moved into place atomically (and the
 * directory synced after), so readers never see a partial blob, a crash never leaves one behind a valid name,
 * and concurrent writers of the same bytes are harmless; an existing file that fails its check is replaced,
 * not trusted. Reads check the size before reading a byte and never follow a symbolic link. Any reference whose URI is not of that form,
 * whose hash is not 64 hex digits, or which would resolve outside the root is refused.
 */
public final class LocalDirectoryBlobStore implements BlobStore {

    /** URI prefix of references this store issues. */
    public static final String URI_PREFIX = "blob:sha256/";

    private static final String PARTIAL_SUFFIX = ".partial";

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
        if (holds(target, ref)) {
            touch(target, ref);
            return ref;
        }
        // Absent, or a file that fails its check (a copy cut short by a crash before this store synced its
        // writes, a damaged disk): written anew, so that a bad blob is not trusted and skipped forever.
        try {
            Path dir = Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(dir, hex.substring(0, 8), PARTIAL_SUFFIX);
            try {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
                try {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                syncDirectory(dir);
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
        try (SeekableByteChannel in = Files.newByteChannel(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = in.size();
            if (size != ref.getSize()) {
                throw new BlobStoreException(BlobStoreException.Reason.CHECKSUM_MISMATCH, "blob " + ref.getUri()
                        + " has " + size + " bytes, the reference says " + ref.getSize(), null);
            }
            bytes = new byte[(int) size]; // size equals the reference's, an int-sized record field
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                if (in.read(buffer) < 0) {
                    throw new BlobStoreException(BlobStoreException.Reason.CHECKSUM_MISMATCH, "blob " + ref.getUri()
                            + " ended after " + buffer.position() + " of " + size + " bytes", null);
                }
            }
        } catch (NoSuchFileException e) {
            throw new BlobStoreException(BlobStoreException.Reason.NOT_FOUND, "no blob " + ref.getUri(), e);
        } catch (IOException e) {
            // the JDK reports a link refused by NOFOLLOW_LINKS as a plain IOException (ELOOP)
            if (Files.isSymbolicLink(path)) {
                throw invalid(ref, "the blob's file is a symbolic link, which this store never writes");
            }
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot read blob " + ref.getUri(), e);
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
        return Files.isRegularFile(pathOf(ref), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void delete(BlobRef ref) throws BlobStoreException {
        try {
            Files.deleteIfExists(pathOf(ref));
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot delete blob " + ref.getUri(), e);
        }
    }

    @Override
    public Optional<Instant> lastModified(BlobRef ref) throws BlobStoreException {
        Path path = pathOf(ref);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() ? Optional.of(attributes.lastModifiedTime().toInstant()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot read the time of blob " + ref.getUri(), e);
        }
    }

    @Override
    public void forEachBlob(Consumer<StoredBlob> action) throws BlobStoreException {
        forEachFile("list the blobs", file -> {
            String hex = file.getFileName().toString();
            if (!Sha256.isHex(hex)) {
                return;
            }
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return; // deleted since the directory was read
            }
            if (attributes.isRegularFile()) {
                action.accept(new StoredBlob(BlobRef.newBuilder().setUri(URI_PREFIX + hex).setSha256(hex)
                        .setSize(attributes.size()).build(), attributes.lastModifiedTime().toInstant()));
            }
        });
    }

    @Override
    public int deleteAbandonedWrites(Instant cutoff) throws BlobStoreException {
        int[] deleted = {0};
        forEachFile("clean up abandoned writes", file -> {
            if (!file.getFileName().toString().endsWith(PARTIAL_SUFFIX)) {
                return;
            }
            try {
                if (Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)
                        && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(file)) {
                    deleted[0]++;
                }
            } catch (NoSuchFileException e) {
                // moved into place or removed by its writer since the folder was read; the walk goes on
            }
        });
        return deleted[0];
    }

    /** What {@link #forEachFile} does with each file. */
    @FunctionalInterface
    private interface FileVisitor {
        void visit(Path file) throws IOException;
    }

    /** Visits every file and folder under {@code <root>/sha256} (nothing when no blob was ever written). */
    private void forEachFile(String what, FileVisitor visitor) throws BlobStoreException {
        try (Stream<Path> files = Files.walk(root.resolve("sha256"), 2)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                visitor.visit(file);
            }
        } catch (NoSuchFileException e) {
            // nothing written yet
        } catch (IOException | UncheckedIOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot " + what + " under " + root, e);
        }
    }

    /** Marks an existing blob written now; see {@link BlobStore#put}. */
    private static void touch(Path path, BlobRef ref) throws BlobStoreException {
        try {
            Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new BlobStoreException(BlobStoreException.Reason.IO, "cannot mark blob " + ref.getUri() + " written", e);
        }
    }

    /** Whether {@code path} is a regular file (not a link) holding exactly the bytes {@code ref} names. */
    private boolean holds(Path path, BlobRef ref) throws BlobStoreException {
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            get(ref);
            return true;
        } catch (BlobStoreException e) {
            if (e.reason() == BlobStoreException.Reason.CHECKSUM_MISMATCH) {
                return false;
            }
            throw e;
        }
    }

    /** Makes a rename in {@code dir} durable (Linux and macOS sync a directory opened for reading). */
    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
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
        if (!path.startsWith(root) || !parentInsideRoot(path)) {
            throw invalid(ref, "resolves outside the store");
        }
        return path;
    }

    /** False where a directory on the way is a link that leads out of the root; true while it does not exist. */
    private boolean parentInsideRoot(Path path) {
        try {
            return path.getParent().toRealPath().startsWith(root);
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static BlobStoreException invalid(BlobRef ref, String why) {
        return new BlobStoreException(BlobStoreException.Reason.INVALID_REFERENCE,
                "refused blob reference '" + ref.getUri() + "': " + why, null);
    }
}
