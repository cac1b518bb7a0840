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

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
