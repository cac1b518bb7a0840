package io.tunet.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.tunet.schemas.BlobRef;

class LocalDirectoryBlobStoreTest {

    @TempDir
    Path root;

    @Test
    void shouldReturnTheSameBytesForTheReferenceItIssued() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        byte[] bytes = randomBytes(3_000_000);

        BlobRef ref = store.put(bytes);

        assertThat(ref.getSize()).isEqualTo(bytes.length);
        assertThat(ref.getSha256()).isEqualTo(Sha256.hex(bytes));
        assertThat(ref.getUri()).isEqualTo("blob:sha256/" + ref.getSha256());
        assertThat(store.exists(ref)).isTrue();
        assertThat(store.get(ref)).isEqualTo(bytes);
    }

    @Test
    void shouldTellWhenABlobWasWrittenAndNothingForAnAbsentOne() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        BlobRef ref = store.put(randomBytes(100));
        java.time.Instant written = java.time.Instant.parse("2026-01-02T03:04:05Z");
        Files.setLastModifiedTime(store.pathOf(ref), java.nio.file.attribute.FileTime.from(written));

        assertThat(store.lastModified(ref)).contains(written);
        store.delete(ref);
        assertThat(store.lastModified(ref)).isEmpty();
    }

    @Test
    void shouldStoreIdenticalContentOnce() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        byte[] bytes = randomBytes(1000);

        BlobRef first = store.put(bytes);
        BlobRef second = store.put(bytes.clone());

        assertThat(second).isEqualTo(first);
        try (var files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseBytesThatNoLongerMatchTheirChecksum() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        byte[] original = randomBytes(1000);
        BlobRef ref = store.put(original);
        byte[] tampered = original.clone();
        tampered[500] ^= 1;
        Files.write(store.pathOf(ref), tampered);

        assertThatThrownBy(() -> store.get(ref))
                .isInstanceOfSatisfying(BlobStoreException.class,
                        e -> assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.CHECKSUM_MISMATCH))
                .hasMessageContaining(ref.getUri());
    }

    @Test
    void shouldReportAMissingBlob() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        String hex = Sha256.hex(new byte[] {1});
        BlobRef ref = BlobRef.newBuilder().setUri("blob:sha256/" + hex).setSha256(hex).setSize(1).build();

        assertThatThrownBy(() -> store.get(ref)).isInstanceOfSatisfying(BlobStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.NOT_FOUND));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "blob:sha256/../../../../etc/passwd",
            "file:///etc/passwd",
            "/etc/passwd",
            "blob:sha256/..%2F..%2Fetc%2Fpasswd",
            "blob:sha256/ABCDEF",
            "s3://bucket/key",
            ""})
    void shouldRefuseReferencesThatCouldEscapeTheRoot(String uri) throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        String sha = uri.startsWith("blob:sha256/") ? uri.substring("blob:sha256/".length()) : Sha256.hex(new byte[0]);
        BlobRef ref = BlobRef.newBuilder().setUri(uri).setSha256(sha).setSize(0).build();

        assertThatThrownBy(() -> store.get(ref)).isInstanceOfSatisfying(BlobStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.INVALID_REFERENCE));
    }

    @Test
    void shouldRefuseAReferenceWhoseUriAndHashDisagree() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        BlobRef real = store.put(randomBytes(10));
        BlobRef forged = BlobRef.newBuilder(real).setSha256(Sha256.hex(new byte[] {9})).build();

        assertThatThrownBy(() -> store.get(forged)).isInstanceOfSatisfying(BlobStoreException.class,
                e -> assertThat(e.reason()).isEqualTo(BlobStoreException.Reason.INVALID_REFERENCE));
    }

    @Test
    void shouldReplaceAStoredFileThatFailsItsCheckInsteadOfTrustingIt() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        byte[] bytes = randomBytes(10_000);
        BlobRef ref = store.put(bytes);
        Path file = store.pathOf(ref);
        Files.write(file, java.util.Arrays.copyOf(bytes, 4_000)); // what a crash before the data reached disk leaves

        assertThatThrownBy(() -> store.get(ref)).isInstanceOf(BlobStoreException.class)
                .extracting(e -> ((BlobStoreException) e).reason()).isEqualTo(BlobStoreException.Reason.CHECKSUM_MISMATCH);
        assertThat(store.put(bytes)).isEqualTo(ref);
        assertThat(store.get(ref)).isEqualTo(bytes);
    }

    @Test
    void shouldRefuseAFileOfTheWrongSizeBeforeReadingIt() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        BlobRef ref = store.put(randomBytes(1_000));
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(store.pathOf(ref).toFile(), "rw")) {
            file.setLength(8L << 30); // sparse: 8 GiB that reading whole would try to hold in memory
        }

        assertThatThrownBy(() -> store.get(ref)).isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("has 8589934592 bytes, the reference says 1000");
    }

    @Test
    void shouldNotFollowASymbolicLinkInPlaceOfABlob() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root.resolve("store"));
        byte[] bytes = randomBytes(1_000);
        BlobRef ref = store.put(bytes);
        Path file = store.pathOf(ref);
        Path outside = Files.write(root.resolve("outside"), bytes);
        Files.delete(file);
        Files.createSymbolicLink(file, outside);

        assertThat(store.exists(ref)).isFalse();
        assertThatThrownBy(() -> store.get(ref)).isInstanceOf(BlobStoreException.class)
                .extracting(e -> ((BlobStoreException) e).reason()).isEqualTo(BlobStoreException.Reason.INVALID_REFERENCE);
    }

    @Test
    void shouldRefuseABlobBehindADirectoryLinkThatLeavesTheStore() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root.resolve("store"));
        byte[] bytes = randomBytes(1_000);
        BlobRef ref = store.put(bytes);
        Path dir = store.pathOf(ref).getParent();
        Path outside = Files.createDirectories(root.resolve("elsewhere"));
        Files.copy(store.pathOf(ref), outside.resolve(ref.getSha256()));
        Files.delete(store.pathOf(ref));
        Files.delete(dir);
        Files.createSymbolicLink(dir, outside);

        assertThatThrownBy(() -> store.get(ref)).isInstanceOf(BlobStoreException.class)
                .hasMessageContaining("resolves outside the store");
    }

    @Test
    void shouldMarkABlobWrittenAgainWhenTheSameBytesAreStoredAgain() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        byte[] bytes = randomBytes(500);
        BlobRef ref = store.put(bytes);
        java.time.Instant old = java.time.Instant.parse("2026-01-02T03:04:05Z");
        Files.setLastModifiedTime(store.pathOf(ref), java.nio.file.attribute.FileTime.from(old));

        store.put(bytes.clone());

        assertThat(store.lastModified(ref)).hasValueSatisfying(
                t -> assertThat(t).isAfter(java.time.Instant.now().minusSeconds(60)));
    }

    @Test
    void shouldListEveryBlobWithItsSizeAndTimeButNoUnfinishedWriteOrLink() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root.resolve("store"));
        BlobRef a = store.put(randomBytes(10));
        BlobRef b = store.put(randomBytes(20_000));
        Path dir = store.pathOf(a).getParent();
        Files.write(dir.resolve("0123abcd42.partial"), new byte[7]);
        BlobRef linked = BlobRef.newBuilder().setUri("blob:sha256/" + "ab".repeat(32)).setSha256("ab".repeat(32))
                .setSize(3).build();
        Path outside = Files.write(root.resolve("outside"), new byte[3]);
        Files.createDirectories(store.pathOf(linked).getParent());
        Files.createSymbolicLink(store.pathOf(linked), outside);

        java.util.List<BlobStore.StoredBlob> listed = new java.util.ArrayList<>();
        store.forEachBlob(listed::add);

        assertThat(listed).extracting(BlobStore.StoredBlob::ref).containsExactlyInAnyOrder(a, b);
        assertThat(listed).allSatisfy(blob -> assertThat(blob.lastModified()).isEqualTo(store.lastModified(blob.ref()).orElseThrow()));
    }

    @Test
    void shouldListNothingInAnEmptyStore() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        java.util.List<BlobStore.StoredBlob> listed = new java.util.ArrayList<>();

        store.forEachBlob(listed::add);

        assertThat(listed).isEmpty();
        assertThat(store.deleteAbandonedWrites(java.time.Instant.now())).isZero();
    }

    @Test
    void shouldDeleteOnlyUnfinishedWritesOlderThanTheCutoff() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        BlobRef kept = store.put(randomBytes(10));
        Path dir = store.pathOf(kept).getParent();
        Path abandoned = Files.write(dir.resolve("0123abcd1.partial"), new byte[7]);
        Files.setLastModifiedTime(abandoned, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-01-01T00:00:00Z")));
        Path inProgress = Files.write(dir.resolve("0123abcd2.partial"), new byte[7]);
        Files.setLastModifiedTime(store.pathOf(kept), java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-01-01T00:00:00Z")));

        int deleted = store.deleteAbandonedWrites(java.time.Instant.parse("2026-06-01T00:00:00Z"));

        assertThat(deleted).isEqualTo(1);
        assertThat(abandoned).doesNotExist();
        assertThat(inProgress).exists();
        assertThat(store.exists(kept)).isTrue();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
