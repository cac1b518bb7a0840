package io.tunet.inference.pipeline;

import io.tunet.core.masks.MaskPostProcessor;
import io.tunet.core.masks.RunLength;
import io.tunet.imaging.Channel;
import io.tunet.imaging.StainComposite;
import io.tunet.imaging.qc.QcFlag;
import io.tunet.imaging.qc.QcReport;
import io.tunet.imaging.qc.StainStats;
import io.tunet.inference.model.ServingModel;
import io.tunet.schemas.ClassMask;
import io.tunet.schemas.Classification;
import io.tunet.schemas.FieldQuality;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.StainQuality;
import io.tunet.schemas.Thumbnail;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The two outputs of one sample: its Classification (28 probabilities, labels decided by the model
 * version's per-class thresholds, the field QC measured while decoding, the thumbnail made from the tensor) and
 * its SegmentationMask (for each predicted class, the mask plane post-processed by tunet-core's
 * {@link MaskPostProcessor} (binarised; cleaned only where configured) and run-length encoded, at the model's
 * input resolution).
 *
 * @param classification the verdict
 * @param masks the masks of the predicted classes
 */
public record SampleResults(Classification classification, SegmentationMask masks) {

    /**
     * A version's decision on one sample: its 28 probabilities and thresholds as the records carry them, and the
     * classes whose probability reaches the class's threshold (ascending). The champion's {@link Classification} and
     * a shadow's record decide by this one rule.
     */
    record Labels(List<Float> probabilities, List<Float> thresholds, List<Integer> predicted) {

        static Labels decide(float[] probabilities, float[] thresholds) {
            List<Float> probabilityList = new ArrayList<>(HpaClasses.COUNT);
            List<Float> thresholdList = new ArrayList<>(HpaClasses.COUNT);
            List<Integer> predicted = new ArrayList<>();
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                probabilityList.add(probabilities[c]);
                thresholdList.add(thresholds[c]);
                if (probabilities[c] >= thresholds[c]) {
                    predicted.add(c);
                }
            }
            return new Labels(probabilityList, thresholdList, predicted);
        }
    }

    /**
     * Builds the outputs of one sample from the model's answer.
     *
     * @param sample the input
     * @param model the model version that produced the answer
     * @param probabilities the 28 class probabilities
     * @param maskPlanes 28 mask-probability planes of {@code S × S}, class-major
     * @param cleaner the mask cleaning shared with training
     * @param latencyMillis time from the sample's arrival at this service to now
     * @param now the time the outputs are stamped with
     * @throws IllegalArgumentException if the arrays do not have the model's shape
     */
    public static SampleResults of(Sample sample, ServingModel model, float[] probabilities, float[] maskPlanes,
            MaskPostProcessor cleaner, double latencyMillis, Instant now) {
        return of(sample, model, probabilities, maskPlanes, cleaner, latencyMillis, now, null, null);
    }

    /**
     * As {@link #of(Sample, ServingModel, float[], float[], MaskPostProcessor, double, Instant)}, with the sample's
     * field QC ({@code qc}: figures and flag names) and thumbnail in the Classification.
     *
     * @param qc the sample's field QC; null when it could not be computed (the Classification's qc is then null)
     * @param thumbnail the sample's composite; null when it could not be made (the Classification's is then null)
     */
    public static SampleResults of(Sample sample, ServingModel model, float[] probabilities, float[] maskPlanes,
            MaskPostProcessor cleaner, double latencyMillis, Instant now, QcReport qc, StainComposite.Png thumbnail) {
        int size = model.inputSize();
        int plane = size * size;
        if (probabilities.length != HpaClasses.COUNT || maskPlanes.length != HpaClasses.COUNT * plane) {
            throw new IllegalArgumentException("expected " + HpaClasses.COUNT + " probabilities and "
                    + HpaClasses.COUNT + " planes of " + size + "x" + size + ", got " + probabilities.length + " and "
                    + maskPlanes.length + " values");
        }
        Labels decided = Labels.decide(probabilities, model.thresholds());
        List<ClassMask> masks = new ArrayList<>();
        for (int c : decided.predicted()) {
            byte[] mask = cleaner.clean(Arrays.copyOfRange(maskPlanes, c * plane, (c + 1) * plane), size, size);
            masks.add(ClassMask.newBuilder().setClassIndex(c).setArea(area(mask))
                    .setRuns(boxed(RunLength.encode(mask))).build());
        }
        Classification classification = Classification.newBuilder()
                .setSampleId(sample.getSampleId())
                .setPlate(sample.getPlate())
                .setWell(sample.getWell())
                .setField(sample.getField())
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setProbabilities(decided.probabilities())
                .setPredictedLabels(decided.predicted())
                .setThresholds(decided.thresholds())
                .setInferenceLatencyMillis(latencyMillis)
                .setDevice(model.device())
                .setSampleAssembledAt(sample.getAssembledAt())
                .setLastAcquiredAt(sample.getLastAcquiredAt())
                .setClassifiedAt(now)
                .setQc(qc == null ? null : fieldQuality(qc))
                .setThumbnail(thumbnail == null ? null : Thumbnail.newBuilder().setPng(ByteBuffer.wrap(thumbnail.png()))
                        .setWidth(thumbnail.width()).setHeight(thumbnail.height()).build())
                .build();
        SegmentationMask segmentation = SegmentationMask.newBuilder()
                .setSampleId(sample.getSampleId())
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setWidth(size)
                .setHeight(size)
                .setMasks(masks)
                .setCreatedAt(now)
                .build();
        return new SampleResults(classification, segmentation);
    }

    /** The Avro form of a QC report: the figures, and the flags by their {@link QcFlag} names. */
    static FieldQuality fieldQuality(QcReport qc) {
        List<String> flags = new ArrayList<>(qc.flags().size());
        for (QcFlag flag : qc.flags()) {
            flags.add(flag.name());
        }
        return FieldQuality.newBuilder()
                .setFlags(flags)
                .setFocus(qc.focus())
                .setLaplacianVariance(qc.laplacianVariance())
                .setForegroundFraction(qc.foregroundFraction())
                .setNuclei(qc.nuclei())
                .setRed(stainQuality(qc.stain(Channel.RED)))
                .setGreen(stainQuality(qc.stain(Channel.GREEN)))
                .setBlue(stainQuality(qc.stain(Channel.BLUE)))
                .setYellow(stainQuality(qc.stain(Channel.YELLOW)))
                .build();
    }

    private static StainQuality stainQuality(StainStats stats) {
        return StainQuality.newBuilder().setSaturatedFraction(stats.saturatedFraction()).setP1(stats.p1())
                .setP50(stats.p50()).setP99(stats.p99()).setP999(stats.p999()).build();
    }

    private static int area(byte[] mask) {
        int area = 0;
        for (byte v : mask) {
            area += v;
        }
        return area;
    }

    private static List<Integer> boxed(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }
}
