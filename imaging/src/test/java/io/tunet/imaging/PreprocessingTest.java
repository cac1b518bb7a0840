package io.tunet.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunet.imaging.ImageDecodeException.Reason;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    @Test
    void shouldStackStainsInRedGreenBlueYellowOrder() throws Exception {
        int size = 8;
        float[] tensor = Preprocessing.toTensor(TestImages.constant(32, 32, 0.1f), TestImages.constant(32, 32, 0.2f),
                TestImages.constant(32, 32, 0.3f), TestImages.constant(32, 32, 0.4f), size);

        assertEquals(4 * size * size, tensor.length);
        for (Channel channel : Channel.values()) {
            float expected = 0.1f * (channel.ordinal() + 1);
            for (int i = 0; i < size * size; i++) {
                assertEquals(expected, tensor[channel.ordinal() * size * size + i], 1e-6f, channel.name());
            }
        }
    }

    @Test
    void shouldRefuseStainsOfDifferentSizes() {
        GrayImage square = TestImages.constant(32, 32, 0.1f);
        GrayImage wide = TestImages.constant(33, 32, 0.1f);

        ImageDecodeException e = assertThrows(ImageDecodeException.class,
                () -> Preprocessing.toTensor(square, square, wide, square, 8));

        assertEquals(Reason.DIMENSION_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("blue stain is 33x32"), e.getMessage());
    }

    @Test
    void shouldRefuseAMissingStain() {
        GrayImage square = TestImages.constant(32, 32, 0.1f);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Preprocessing.toTensor(square, null, square, square, 8));

        assertTrue(e.getMessage().contains("green"), e.getMessage());
    }
}
