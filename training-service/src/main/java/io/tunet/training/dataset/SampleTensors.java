package io.tunet.training.dataset;

import io.tunet.blob.BlobStore;
import io.tunet.blob.BlobStoreException;
import io.tunet.imaging.Channel;
import io.tunet.imaging.DecodeLimits;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.ImageCodec;
import io.tunet.imaging.ImageDecodeException;
import io.tunet.imaging.Preprocessing;
import io.tunet.core.masks.GroundTruthMasks;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.training.SampleCache;
import io.tunet.core.training.SampleSet;
import io.tunet.core.training.TrainingData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns stored samples into model-ready tensors: each stain is fetched from the blob store (SHA-256 verified),
 * decoded, resized to the model's input size, and the weak mask label is taken from the green stain, exactly
 * as tunet-core does for an HPA directory. The tensors go to a {@link SampleCache} keyed on the stains' digests
 * and the labels, so each sample is decoded once across retrainings and a run holds a batch in memory, not the
 * dataset.
 */
public final class SampleTensors {

    /** A sample that could not be turned into a tensor, and why. */
    public record Unusable(String sampleId, String reason) {
    }

    /** The usable samples (in snapshot order) and the ones that were skipped. */
    public record Loaded(SampleSet samples, List<Unusable> unusable) {
    }

    private SampleTensors() {
    }

    /** Decodes four encoded stains (red, green, blue, yellow), each checked against its channel. */
    public static GrayImage[] decode(List<byte[]> stains) throws ImageDecodeException {
        GrayImage[] decoded = new GrayImage[4];
        for (int c = 0; c < 4; c++) {
            decoded[c] = ImageCodec.decode(stains.get(c), DecodeLimits.defaults(), Channel.values()[c]);
        }
        return decoded;
    }

    /** Decodes four encoded stains (red, green, blue, yellow) into a training sample of {@code size × size}. */
    public static TrainingData.Sample fromEncoded(String sampleId, int[] labels, List<byte[]> stains, int size)
            throws ImageDecodeException {
        GrayImage[] decoded = decode(stains);
        float[] tensor = Preprocessing.toTensor(decoded[0], decoded[1], decoded[2], decoded[3], size);
        int plane = size * size;
        byte[] proteinMask = GroundTruthMasks.proteinMask(Arrays.copyOfRange(tensor, plane, 2 * plane), size, size,
                ThresholdMethod.OTSU);
        return new TrainingData.Sample(sampleId, tensor, proteinMask, labels, null);
    }

    /**
     * Loads every sample of a snapshot through the cache, decoding the ones not cached yet on all cores. A sample
     * whose blob is missing or corrupt, or whose image does not decode, is reported in {@link Loaded#unusable()}
     * instead of failing the run.
     *
     * @throws IOException if the cache cannot be read or written
     */
    public static Loaded load(DatasetSnapshot snapshot, BlobStore blobs, SampleCache cache)
            throws IOException, InterruptedException {
        List<SampleCache.Input> inputs = new ArrayList<>(snapshot.samples().size());
        for (LabelledSample sample : snapshot.samples()) {
            List<String> digests = sample.stains().stream().map(StoredImage::sha256).toList();
            inputs.add(new SampleCache.Input(sample.sampleId(), sample.labels(),
                    SampleCache.key(sample.sampleId(), sample.labels(), digests), () -> {
                        List<byte[]> encoded = new ArrayList<>(4);
                        for (StoredImage image : sample.stains()) {
                            encoded.add(blobs.get(image.toBlobRef()));
                        }
                        return fromEncoded(sample.sampleId(), sample.labels(), encoded, cache.size());
                    }));
        }
        SampleCache.Result result = cache.cache(inputs, Runtime.getRuntime().availableProcessors(), done -> { });
        List<Unusable> unusable = new ArrayList<>();
        for (SampleCache.Failure failure : result.failures()) {
            Exception cause = failure.cause();
            if (!(cause instanceof BlobStoreException || cause instanceof ImageDecodeException)) {
                throw new IllegalStateException("loading sample " + failure.id() + " failed", cause);
            }
            unusable.add(new Unusable(failure.id(), cause.getMessage()));
        }
        return new Loaded(result.samples(), unusable);
    }
}
