package io.tunet.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;

class ClaimCheckTest {

    @TempDir
    Path root;

    @Test
    void shouldKeepAnImageUpToTheLimitInsideTheRecord() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        byte[] bytes = bytes(1000);

        Image image = new ClaimCheck(store, 1000).image(bytes, ImageFormat.PNG, 64, 32, 16);

        assertThat(image.getContent()).isEqualTo(ByteBuffer.wrap(bytes));
        assertThat(image.getFormat()).isEqualTo(ImageFormat.PNG);
        assertThat(image.getWidth()).isEqualTo(64);
        assertThat(image.getHeight()).isEqualTo(32);
        assertThat(image.getBitDepth()).isEqualTo(16);
        assertThat(root.resolve("sha256")).doesNotExist();
    }

    @Test
    void shouldMoveALargerImageToTheStoreAndCarryItsReference() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        byte[] bytes = bytes(1001);

        Image image = new ClaimCheck(store, 1000).image(bytes, ImageFormat.TIFF, 8, 8, 8);

        assertThat(image.getContent()).isInstanceOf(BlobRef.class);
        assertThat(store.get((BlobRef) image.getContent())).isEqualTo(bytes);
        assertThat(new ClaimCheck(store, 1000).travelsInline(1001)).isFalse();
    }

    @Test
    void shouldRefuseANegativeLimit() throws Exception {
        LocalDirectoryBlobStore store = new LocalDirectoryBlobStore(root);
        assertThatThrownBy(() -> new ClaimCheck(store, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }
}
