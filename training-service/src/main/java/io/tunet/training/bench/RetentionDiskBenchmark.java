package io.tunet.training.bench;

import io.tunet.blob.LocalDirectoryBlobStore;
import io.tunet.core.masks.ThresholdMethod;
import io.tunet.core.training.SampleCache;
import io.tunet.schemas.Image;
import io.tunet.schemas.ImageFormat;
import io.tunet.schemas.LabelFeedback;
import io.tunet.schemas.Sample;
import io.tunet.schemas.topics.Topics;
import io.tunet.synth.HpaSynth;
import io.tunet.synth.Stain;
import io.tunet.synth.SynthField;
import io.tunet.training.dataset.DatasetIndex;
import io.tunet.training.dataset.SampleTensors;
import io.tunet.training.feedback.FeedbackIntake;
import io.tunet.training.retention.BlobCollector;
import io.tunet.training.retention.BlobLedger;
import io.tunet.training.retention.Retention;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Disk use of the training service per field, measured through the intake's own code path: {@code N} HPA-Synth
 * fields (512², 8-bit PNG, inline as ingest forwards stains below its claim-check threshold) go through {@link
 * FeedbackIntake#onSample}, a share of them is labelled, the labelled ones are loaded into the sample cache at
 * S = 128 as a run does, then one retention pass drops the unlabelled ones (window 0, no grace) and collects
 * their blobs. Prints bytes per field of each store and what 10,000 fields take with and without retention. A
 * {@code main}; arguments: {@code [fields (200)] [labelled share (0.2)] [image size (512)] [input size S (128)]}.
 */
public final class RetentionDiskBenchmark {

    private RetentionDiskBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int fields = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        double labelledShare = args.length > 1 ? Double.parseDouble(args[1]) : 0.2;
        int imageSize = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int inputSize = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        Path root = Files.createTempDirectory("tunet-retention-bench");
        Path data = root.resolve("data");
        Clock clock = Clock.systemUTC();
        HpaSynth synth = HpaSynth.builder().size(imageSize).bitDepth(8).build();
        long started = System.nanoTime();
        int labelled = 0;
        try (DatasetIndex index = DatasetIndex.open(data); BlobLedger ledger = BlobLedger.open(data, clock)) {
            LocalDirectoryBlobStore blobs = new LocalDirectoryBlobStore(root.resolve("blobs"));
            FeedbackIntake intake = new FeedbackIntake(index, blobs, Duration.ofMinutes(5), clock, ledger);
            for (int n = 0; n < fields; n++) {
                SynthField field = synth.generate(7, n);
                intake.onSample(sample(field, imageSize));
                if (Math.floor((n + 1) * labelledShare) > Math.floor(n * labelledShare)) {
                    intake.onFeedback(feedback(field), new FeedbackIntake.Source(Topics.FEEDBACK.name(), 0, n,
                            field.id(), null));
                    labelled++;
                }
            }
            index.sync();
            long blobsAll = bytes(root.resolve("blobs"));
            long indexAll = Files.size(data.resolve(DatasetIndex.FILE));
            long ledgerAll = Files.size(data.resolve(BlobLedger.FILE));
            SampleCache cache = SampleCache.open(data.resolve("sample-cache"), inputSize, ThresholdMethod.OTSU);
            SampleTensors.load(index.snapshot(), blobs, cache);
            long cacheBytes = bytes(data.resolve("sample-cache"));

            Retention retention = new Retention(index, ledger,
                    new BlobCollector(ledger, index, blobs, "tunet", Set::of, Duration.ZERO), java.util.Optional.empty(),
                    new Retention.Settings(0, Duration.ofDays(14), Duration.ofDays(90), Duration.ZERO, 0.5));
            Retention.Report report = retention.run(Instant.now().plusSeconds(1));
            long blobsKept = bytes(root.resolve("blobs"));
            index.compact(0, clock.millis()); // as the next compaction leaves it: the ids of dropped samples kept
            long indexKept = Files.size(data.resolve(DatasetIndex.FILE));
            long ledgerKept = Files.size(data.resolve(BlobLedger.FILE));
            index.compact(Long.MAX_VALUE, clock.millis()); // the ids of dropped samples forgotten
            long indexLabelledOnly = Files.size(data.resolve(DatasetIndex.FILE));
            int unlabelled = fields - labelled;

            double perField = (double) blobsAll / fields;
            double perLabelled = (double) blobsKept / labelled;
            double cachePerLabelled = (double) cacheBytes / labelled;
            double indexPerLabelled = (double) indexLabelledOnly / labelled;
            double indexPerDropped = (double) (indexKept - indexLabelledOnly) / Math.max(1, unlabelled);
            System.out.printf(Locale.ROOT, "%d fields of %d² 8-bit PNG, %d labelled (%.0f %%), S = %d, %.0f s%n",
                    fields, imageSize, labelled, 100.0 * labelled / fields, inputSize,
                    (System.nanoTime() - started) / 1e9);
            System.out.printf(Locale.ROOT, "before retention: blobs %d B (%.0f B/field), index %d B (%.0f B/field), "
                    + "ledger %d B%n", blobsAll, perField, indexAll, (double) indexAll / fields, ledgerAll);
            System.out.printf(Locale.ROOT, "sample cache at S=%d: %d B (%.0f B per labelled field)%n", inputSize,
                    cacheBytes, cachePerLabelled);
            System.out.printf(Locale.ROOT, "retention dropped %d samples, deleted %d blobs (%d B); kept blobs %d B "
                    + "(%.0f B per labelled field), index %d B, ledger %d B (%.0f B per labelled field)%n",
                    report.dropped().size(), report.blobs().deleted(), report.blobs().bytesDeleted(), blobsKept,
                    perLabelled, indexKept, ledgerKept, (double) ledgerKept / labelled);
            double labelledPer10k = 10_000 * (double) labelled / fields;
            double mb = 1e6;
            System.out.printf(Locale.ROOT, "per 10,000 fields, %.0f %% labelled:%n", 100.0 * labelled / fields);
            System.out.printf(Locale.ROOT, "  without retention: blobs %.0f MB + index %.1f MB + sample cache %.0f MB"
                    + "%n", 10_000 * perField / mb, 10_000.0 * indexAll / fields / mb, labelledPer10k
                    * cachePerLabelled / mb);
            System.out.printf(Locale.ROOT, "  with retention:    blobs %.0f MB + index %.1f MB (labelled) + %.1f MB "
                    + "(ids of dropped samples, until forgotten) + ledger %.1f MB + sample cache %.0f MB%n",
                    labelledPer10k * perLabelled / mb, labelledPer10k * indexPerLabelled / mb,
                    (10_000 - labelledPer10k) * indexPerDropped / mb,
                    labelledPer10k * ledgerKept / labelled / mb, labelledPer10k * cachePerLabelled / mb);
            System.out.printf(Locale.ROOT, "  plus the unlabelled window: %.0f B per unlabelled sample kept (%.0f MB "
                    + "per 10,000)%n", perField, 10_000 * perField / mb);
        }
        deleteRecursively(root);
    }

    private static Sample sample(SynthField field, int size) {
        Instant now = Instant.now();
        return Sample.newBuilder().setSampleId(field.id()).setPlate("bench").setWell("A01").setField(0)
                .setRed(image(field.png(Stain.RED), size)).setGreen(image(field.png(Stain.GREEN), size))
                .setBlue(image(field.png(Stain.BLUE), size)).setYellow(image(field.png(Stain.YELLOW), size))
                .setInstrumentId("bench").setFirstAcquiredAt(now).setLastAcquiredAt(now).setAssembledAt(now)
                .setSourceAcquisitionIds(List.of()).build();
    }

    private static Image image(byte[] png, int size) {
        return Image.newBuilder().setFormat(ImageFormat.PNG).setWidth(size).setHeight(size).setBitDepth(8)
                .setContent(ByteBuffer.wrap(png)).build();
    }

    private static LabelFeedback feedback(SynthField field) {
        return LabelFeedback.newBuilder().setFeedbackId("fb-" + field.id()).setSampleId(field.id())
                .setLabels(Arrays.stream(field.labels()).boxed().toList()).setLabelledBy("bench")
                .setLabelledAt(Instant.now()).build();
    }

    /** Bytes of the regular files under {@code dir}. */
    private static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
