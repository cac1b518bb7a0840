package io.tunet.training.reference;

import io.tunet.imaging.Channel;
import io.tunet.imaging.GrayImage;
import io.tunet.imaging.qc.FieldQc;
import io.tunet.imaging.qc.QcReport;
import io.tunet.schemas.HpaClasses;
import io.tunet.schemas.ReferenceHistogram;
import io.tunet.schemas.ReferenceProfile;
import io.tunet.schemas.drift.DriftProfiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import org.jboss.logging.Logger;

/**
 * Makes a version's drift reference ({@code ModelVersion.reference}): the field QC of the fields it was judged on,
 * measured as inference measures it ({@link FieldQc} on the stains as stored), binned at their deciles, and the
 * share of those fields in which the version predicts each class at its thresholds. The results sink scores each
 * plate against it.
 *
 * <p>The fields are held-out ones (the gate split of a retraining, the {@code --evaluate-on} directory of
 * {@code publish-first}): the same population as the training data, but predictions on fields the network was
 * fitted to would understate what it predicts on new ones.
 */
public final class ReferenceProfiler {

    /**
     * At most this many fields are decoded for the QC part (their stains read and decoded again: about a minute of
     * full-size fields on 2 cores); 200 fields put about 20 in each decile.
     */
    public static final int MAX_FIELDS = 200;

    /** Bins per QC statistic (deciles). */
    public static final int BINS = 10;

    /**
     * The statistics profiled: the ones whose shift means an acquisition changed (focus, cell density, each stain's
     * brightness). The saturated fractions are left out: nearly all zero, they give one bin.
     */
    static final Map<String, ToDoubleFunction<QcReport>> STATISTICS = statistics();

    private static final Logger LOG = Logger.getLogger(ReferenceProfiler.class);

    private ReferenceProfiler() {
    }

    /** The four stains of one field, decoded (red, green, blue, yellow). */
    @FunctionalInterface
    public interface Field {
        Map<Channel, GrayImage> stains() throws Exception;
    }

    /**
     * Measures the QC of each field on {@code threads} threads. A field whose stains cannot be had or decoded is
     * left out and logged: the reference then describes the others.
     */
    public static List<QcReport> measure(List<Field> fields, int threads) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), runnable -> {
            Thread thread = new Thread(runnable, "reference-qc");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<QcReport>> futures = new ArrayList<>(fields.size());
            for (Field field : fields) {
                Callable<QcReport> task = () -> {
                    Map<Channel, GrayImage> stains = field.stains();
                    return FieldQc.measure(stains.get(Channel.RED), stains.get(Channel.GREEN), stains.get(Channel.BLUE),
                            stains.get(Channel.YELLOW));
                };
                futures.add(pool.submit(task));
            }
            List<QcReport> reports = new ArrayList<>(fields.size());
            int failed = 0;
            for (Future<QcReport> future : futures) {
                try {
                    reports.add(future.get());
                } catch (ExecutionException e) {
                    failed++;
                    LOG.warnf("a field is left out of the drift reference: %s", e.getCause().getMessage());
                }
            }
            if (failed > 0) {
                LOG.warnf("%d of %d fields could not be measured for the drift reference", failed, fields.size());
            }
            return reports;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The reference of a version from held-out fields: the QC of the first {@value #MAX_FIELDS} of {@code fields} in
     * id order (so a rerun profiles the same ones), measured on all cores, and its probabilities on all of them.
     *
     * @param fields        the held-out fields by sample id
     * @param probabilities per scored field, the {@value HpaClasses#COUNT} sigmoid outputs
     */
    public static ReferenceProfile profile(Map<String, Field> fields, float[][] probabilities, float[] thresholds,
            String source) throws InterruptedException {
        List<Field> first = new TreeMap<>(fields).values().stream().limit(MAX_FIELDS).toList();
        return profile(measure(first, Runtime.getRuntime().availableProcessors()), probabilities, thresholds, source);
    }

    /**
     * The reference of a version from the QC of held-out fields and its probabilities on held-out fields.
     *
     * @param qc            the measured fields (may be fewer than the scored ones)
     * @param probabilities per scored field, the {@value HpaClasses#COUNT} sigmoid outputs
     * @param thresholds    the version's thresholds
     * @param source        which fields, in words
     * @return null when neither a field was measured nor one scored: there is nothing to describe
     */
    public static ReferenceProfile profile(List<QcReport> qc, float[][] probabilities, float[] thresholds,
            String source) {
        if (qc.isEmpty() || probabilities.length == 0) {
            return null;
        }
        List<ReferenceHistogram> histograms = new ArrayList<>();
        STATISTICS.forEach((name, statistic) -> {
            ReferenceHistogram histogram = DriftProfiles.histogram(name,
                    qc.stream().mapToDouble(statistic).toArray(), BINS);
            if (histogram != null) {
                histograms.add(histogram);
            }
        });
        double[] classShare = new double[HpaClasses.COUNT];
        int none = 0;
        for (float[] field : probabilities) {
            boolean any = false;
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                // as inference predicts: a class whose probability reached its threshold
                if (field[c] >= thresholds[c]) {
                    classShare[c]++;
                    any = true;
                }
            }
            none += any ? 0 : 1;
        }
        for (int c = 0; c < classShare.length; c++) {
            classShare[c] /= probabilities.length;
        }
        return ReferenceProfile.newBuilder()
                .setFields(qc.size())
                .setSource(String.format(Locale.ROOT, "%s: QC of %d fields, predictions on %d", source, qc.size(),
                        probabilities.length))
                .setQc(histograms)
                .setClassFrequencies(Arrays.stream(classShare).boxed().toList())
                .setNoClassFraction((double) none / probabilities.length)
                .build();
    }

    private static Map<String, ToDoubleFunction<QcReport>> statistics() {
        Map<String, ToDoubleFunction<QcReport>> statistics = new LinkedHashMap<>();
        statistics.put("focus", QcReport::focus);
        statistics.put("foregroundFraction", QcReport::foregroundFraction);
        statistics.put("nuclei", QcReport::nuclei);
        for (Channel channel : Channel.values()) {
            statistics.put(channel.name().toLowerCase(Locale.ROOT) + ".p999", r -> r.stain(channel).p999());
        }
        return Collections.unmodifiableMap(statistics);
    }
}
