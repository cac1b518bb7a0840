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
import io.tunet.core.training.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns stored samples into model-ready tensors: each stain is fetched from the blob store (SHA-256 verified),
 * decoded, resized to the model's input size, and the weak mask label is taken from the green stain, exactly
 * as tunet-core does for an HPA directory.
 */
public final class SampleTensors {

    /** A sample that could not be turned into a tensor, and why. */
    public record Unusable(String sampleId, String reason) {
    }

    /** The usable samples and the ones that were skipped. */
    public record Loaded(List<TrainingData.Sample> samples, List<Unusable> unusable) {
    }

    private SampleTensors() {
    }

    /** Decodes four encoded stains (red, green, blue, yellow) into a training sample of {@code size × size}. */
    public static TrainingData.Sample fromEncoded(String sampleId, int[] labels, List<byte[]> stains, int size)
            throws ImageDecodeException {
        GrayImage[] decoded = new GrayImage[4];
        for (int c = 0; c < 4; c++) {
            decoded[c] = ImageCodec.decode(stains.get(c), DecodeLimits.defaults(), Channel.values()[c]);
        }
        float[] tensor = Preprocessing.toTensor(decoded[0], decoded[1], decoded[2], decoded[3], size);
        int plane = size * size;
        byte[] proteinMask = GroundTruthMasks.proteinMask(Arrays.copyOfRange(tensor, plane, 2 * plane), size, size,
                ThresholdMethod.OTSU);
        return new TrainingData.Sample(sampleId, tensor, proteinMask, labels, null);
    }

    /**
     * Loads every sample of a snapshot on all cores. A sample whose blob is missing or corrupt, or whose
     * image does not decode, is reported in {@link Loaded#unusable()} instead of failing the run.
     */
    public static Loaded load(DatasetSnapshot snapshot, BlobStore blobs, int size) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
        try {
            List<Future<TrainingData.Sample>> futures = new ArrayList<>();
            for (LabelledSample sample : snapshot.samples()) {
                futures.add(pool.submit(() -> {
                    List<byte[]> encoded = new ArrayList<>(4);
                    for (StoredImage image : sample.stains()) {
                        encoded.add(blobs.get(image.toBlobRef()));
                    }
                    return fromEncoded(sample.sampleId(), sample.labels(), encoded, size);
                }));
            }
            List<TrainingData.Sample> samples = new ArrayList<>();
            List<Unusable> unusable = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    samples.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (!(cause instanceof BlobStoreException || cause instanceof ImageDecodeException)) {
                        throw new IllegalStateException("loading sample " + snapshot.samples().get(i).sampleId()
                                + " failed", cause);
                    }
                    unusable.add(new Unusable(snapshot.samples().get(i).sampleId(), cause.getMessage()));
                }
            }
            return new Loaded(samples, unusable);
        } finally {
            pool.shutdownNow();
        }
    }
}
