package io.tunet.results;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import javax.imageio.ImageIO;

import io.tunet.schemas.BlobRef;
import io.tunet.schemas.ClassMask;
import io.tunet.schemas.Classification;
import io.tunet.schemas.DeadLetter;
import io.tunet.schemas.DeadLetterReason;
import io.tunet.schemas.FieldQuality;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.IncompleteSample;
import io.tunet.schemas.ModelMetrics;
import io.tunet.schemas.ModelStatus;
import io.tunet.schemas.ModelVersion;
import io.tunet.schemas.Sample;
import io.tunet.schemas.SegmentationMask;
import io.tunet.schemas.Stain;
import io.tunet.schemas.StainQuality;

/** Records as the upstream services write them, with small but real images and masks. */
final class Fixtures {

    static final int MASK_SIZE = 64;
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private Fixtures() {
    }

    /** A classification whose top class is {@code top} (probability {@code confidence}), predicting {@code labels}. */
    static Classification classification(String sampleId, String plate, String well, long version, int top,
                                         float confidence, List<Integer> labels) {
        List<Float> probabilities = new ArrayList<>(Collections.nCopies(28, 0.02f));
        probabilities.set(top, confidence);
        return Classification.newBuilder()
                .setSampleId(sampleId).setPlate(plate).setWell(well).setField(1)
                .setModelName("tunet").setModelVersion(version)
                .setProbabilities(probabilities)
                .setPredictedLabels(labels)
                .setThresholds(new ArrayList<>(Collections.nCopies(28, 0.4f)))
                .setInferenceLatencyMillis(12.5).setDevice("cpu")
                .setSampleAssembledAt(T0).setLastAcquiredAt(T0).setClassifiedAt(T0.plusSeconds(version))
                .build();
    }

    /** Field QC as inference reports it, raising {@code flags} (none: a field that passed). */
    static FieldQuality qc(String... flags) {
        boolean blurred = List.of(flags).contains("OUT_OF_FOCUS");
        return FieldQuality.newBuilder().setFlags(List.of(flags)).setFocus(blurred ? 3.2 : 7.4)
                .setLaplacianVariance(0.004).setForegroundFraction(0.05).setNuclei(9)
                .setRed(stain(0.0007, 0.43)).setGreen(stain(0, 0.51)).setBlue(stain(0.0002, 0.62))
                .setYellow(stain(0, 0.38)).build();
    }

    private static StainQuality stain(double saturated, double p999) {
        return StainQuality.newBuilder().setSaturatedFraction(saturated).setP1(0.004).setP50(0.02).setP99(0.2)
                .setP999(p999).build();
    }

    /** Masks: class {@code labels[0]} a disc in the middle, further classes a ring around it. */
    static SegmentationMask masks(String sampleId, long version, List<Integer> labels) {
        List<ClassMask> masks = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            boolean[] pixels = new boolean[MASK_SIZE * MASK_SIZE];
            int area = 0;
            for (int y = 0; y < MASK_SIZE; y++) {
                for (int x = 0; x < MASK_SIZE; x++) {
                    double r = Math.hypot(x - MASK_SIZE / 2.0, y - MASK_SIZE / 2.0);
                    boolean on = i == 0 ? r < 12 : r >= 16 && r < 26;
                    pixels[y * MASK_SIZE + x] = on;
                    area += on ? 1 : 0;
                }
            }
            masks.add(ClassMask.newBuilder().setClassIndex(labels.get(i)).setArea(area).setRuns(runs(pixels)).build());
        }
        return SegmentationMask.newBuilder().setSampleId(sampleId).setModelName("tunet").setModelVersion(version)
                .setWidth(MASK_SIZE).setHeight(MASK_SIZE).setMasks(masks).setCreatedAt(T0).build();
    }

    /** Row-major runs, alternating background/foreground, starting with background. */
    static List<Integer> runs(boolean[] pixels) {
        List<Integer> runs = new ArrayList<>();
        boolean current = false;
        int length = 0;
        for (boolean pixel : pixels) {
            if (pixel != current) {
                runs.add(length);
                current = pixel;
                length = 0;
            }
            length++;
        }
        runs.add(length);
        return runs;
    }

    /** A sample whose four stains are small 8-bit PNGs: a nucleus (blue), a cell (red/yellow), protein (green). */
    static Sample sample(String sampleId, String plate, String well) {
        return sample(sampleId, plate, well, 96);
    }

    /** The same drawing at {@code size} × {@code size} pixels. */
    static Sample sample(String sampleId, String plate, String well, int size) {
        double s = size / 96.0;
        return Sample.newBuilder()
                .setSampleId(sampleId).setPlate(plate).setWell(well).setField(1)
                .setRed(png(size, (x, y) -> ring(x / s, y / s, 20, 40) ? 160 : 5))
                .setGreen(png(size, (x, y) -> disc(x / s, y / s, 18) ? 220 : 3))
                .setBlue(png(size, (x, y) -> disc(x / s, y / s, 16) ? 200 : 2))
                .setYellow(png(size, (x, y) -> ring(x / s, y / s, 18, 34) ? 90 : 4))
                .setInstrumentId("scope-1").setFirstAcquiredAt(T0).setLastAcquiredAt(T0).setAssembledAt(T0)
                .setSourceAcquisitionIds(List.of(sampleId + "-r", sampleId + "-g", sampleId + "-b", sampleId + "-y"))
                .build();
    }

    static ModelVersion modelVersion(long version, ModelStatus status, double macroF1) {
        return ModelVersion.newBuilder()
                .setModelName("tunet").setVersion(version).setStatus(status)
                .setStatusReason(status == ModelStatus.REJECTED ? "macro-F1 below the champion's" : null)
                .setArchitecture("tunet-cpu")
                .setOnnx(BlobRef.newBuilder().setUri("blob:sha256/" + "a".repeat(64)).setSha256("a".repeat(64))
                        .setSize(1000).build())
                .setInputSize(128)
                .setThresholds(new ArrayList<>(Collections.nCopies(28, 0.4f)))
                .setMetrics(ModelMetrics.newBuilder().setMacroF1(macroF1).setMicroF1(macroF1 + 0.1)
                        .setPrecision(0.6).setRecall(0.5)
                        .setPerClassF1(new ArrayList<>(Collections.nCopies(28, macroF1)))
                        .setValidationSize(100).build())
                .setTrainingSetSize(900).setSnapshotId("snap-" + version).setCreatedAt(T0.plusSeconds(version))
                .build();
    }

    static IncompleteSample incomplete(String sampleId, String plate, String well) {
        return IncompleteSample.newBuilder()
                .setSampleId(sampleId).setPlate(plate).setWell(well).setField(1)
                .setStainsPresent(List.of(Stain.RED_MICROTUBULES, Stain.BLUE_NUCLEUS))
                .setStainsMissing(List.of(Stain.GREEN_PROTEIN, Stain.YELLOW_ER))
                .setReason("timed out after PT5M").setAcquisitionIds(List.of("a1", "a2"))
                .setFirstSeenAt(T0).setEmittedAt(T0.plusSeconds(300)).build();
    }

    static DeadLetter deadLetter(String key, long offset) {
        return DeadLetter.newBuilder()
                .setReason(DeadLetterReason.UNREADABLE_IMAGE).setDetail("PNG header truncated")
                .setSourceTopic("acquisitions").setSourcePartition(0).setSourceOffset(offset)
                .setOriginalKey(key).setService("ingest-service").setFailedAt(T0).build();
    }

    private interface Pixel {
        int value(int x, int y);
    }

    private static boolean disc(double x, double y, double radius) {
        return Math.hypot(x - 48, y - 48) < radius;
    }

    private static boolean ring(double x, double y, double inner, double outer) {
        double r = Math.hypot(x - 48, y - 48);
        return r >= inner && r < outer;
    }

    private static Image png(int size, Pixel pixel) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                raster.setSample(x, y, 0, pixel.value(x, y));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(size).setHeight(size).setBitDepth(8)
                .setContent(ByteBuffer.wrap(out.toByteArray())).build();
    }
}
