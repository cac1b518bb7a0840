package io.tunet.training.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The exact training data of one run: every labelled sample with stored images, sorted by id, and an id
 * derived from their content (ids, labels, image hashes), so two runs on the same data share a snapshot id and
 * any change of a label or an image gives a new one.
 *
 * @param id      16 hex digits of a SHA-256 over the samples
 * @param samples the samples, sorted by id
 */
public record DatasetSnapshot(String id, List<LabelledSample> samples) {

    public DatasetSnapshot {
        samples = List.copyOf(samples);
    }

    /** A snapshot of {@code samples} with its content-derived id. */
    public static DatasetSnapshot of(List<LabelledSample> samples) {
        List<LabelledSample> sorted = samples.stream().sorted(Comparator.comparing(LabelledSample::sampleId)).toList();
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
        for (LabelledSample sample : sorted) {
            StringBuilder line = new StringBuilder(sample.sampleId()).append('|');
            for (int label : sample.labels()) {
                line.append(label).append(' ');
            }
            for (StoredImage image : sample.stains()) {
                line.append('|').append(image.sha256());
            }
            digest.update(line.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        return new DatasetSnapshot(HexFormat.of().formatHex(digest.digest()).substring(0, 16), sorted);
    }

    /** Number of samples. */
    public int size() {
        return samples.size();
    }
}
