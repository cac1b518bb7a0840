package io.tunet.stack.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import io.tunet.stack.bench.BenchStats.Line;
import io.tunet.stack.bench.SoakBenchmark.Sample;
import io.tunet.stack.support.Stack;

/**
 * The soak's verdict from its samples: a line fitted to every memory (PSS) and disk series after the warm-up (training's
 * PSS over the samples taken between its runs), each slope against a stated bound, plus "nothing lost" and "the
 * collector ran".
 *
 * @param checks  every check, in the order reported
 * @param timeFits per series (PSS by process, disk by directory): bytes against minutes over the fit window
 * @param warmupMinutes where the fit window starts
 */
record Verdict(List<Check> checks, Map<String, Line> timeFits, double warmupMinutes) {

    private static final double KIB = 1024;
    private static final double MIB = 1024 * KIB;

    /** What the bounds are computed from. */
    record Setting(double warmupMinutes, double labelShare, double stainBytesPerField, long modelBytes, int size,
                   long maxWalBytes, double claimCheckedShare, double topicRetentionMinutes) {
    }

    record Check(String what, String measured, String bound, boolean passed) {
    }

    private static boolean trainingRunInProgress(Sample sample) {
        return sample.training().getOrDefault(SoakBenchmark.TRAINING_RUN_IN_PROGRESS, 0.0) > 0;
    }

    boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    static Verdict of(List<Sample> samples, Setting setting, int published, List<String> missing,
            List<String> labelFailures) {
        List<Sample> window = samples.stream().filter(s -> s.running() && s.minutes() >= setting.warmupMinutes() - 1e-6)
                .toList();
        List<Check> checks = new ArrayList<>();
        Map<String, Line> timeFits = new LinkedHashMap<>();
        if (window.size() < 3) {
            checks.add(new Check("samples after the warm-up", Integer.toString(window.size()), "at least 3", false));
            return new Verdict(checks, timeFits, setting.warmupMinutes());
        }
        Sample first = window.get(0);
        Sample last = window.get(window.size() - 1);
        double[] minutes = window.stream().mapToDouble(Sample::minutes).toArray();

        for (String process : SoakBenchmark.line()) {
            List<Sample> fitted = window;
            String note = "";
            if (process.equals(Stack.TRAINING)) {
                // a run takes a gigabyte or more and gives it back when it ends: a line through those peaks rises or
                // falls with where in the window the runs happen to fall, so training is judged on its floor, the
                // samples taken between runs (what it keeps from one run to the next), and its peaks are reported
                // (and not the first sample after a run: the JVM gives the run's native memory back to the system
                // at its next trim, up to a minute later)
                Set<Sample> inWindow = new HashSet<>(window);
                List<Sample> between = new ArrayList<>();
                Sample previous = null;
                for (Sample s : samples) {
                    if (inWindow.contains(s) && !trainingRunInProgress(s)
                            && (previous == null || !trainingRunInProgress(previous))) {
                        between.add(s);
                    }
                    previous = s;
                }
                if (between.size() >= 3) {
                    fitted = between;
                    double peak = window.stream().filter(Verdict::trainingRunInProgress)
                            .mapToDouble(s -> s.memory().getOrDefault(process, 0L)).max().orElse(Double.NaN);
                    note = String.format(Locale.ROOT, " between runs (%d of %d samples; during runs up to %.0f MB)",
                            between.size(), window.size(), peak / 1e6);
                } else {
                    note = " (all samples: fewer than 3 between runs)";
                }
            }
            double[] at = fitted.stream().mapToDouble(Sample::minutes).toArray();
            double[] memory = values(fitted, s -> s.memory().getOrDefault(process, 0L));
            Line fit = BenchStats.fit(at, memory);
            timeFits.put(process, fit);
            double level = mean(memory);
            double percentPerHour = 100 * fit.slope() * 60 / level;
            checks.add(new Check("PSS " + process, String.format(Locale.ROOT, "%.0f MB, %+.1f MB/h (%+.1f%%/h)%s",
                    level / 1e6, fit.slope() * 60 / 1e6, percentPerHour, note),
                    String.format(Locale.ROOT, "< %.0f%% of its level per hour", SoakBenchmark.MEMORY_BOUND_PERCENT_PER_HOUR),
                    percentPerHour < SoakBenchmark.MEMORY_BOUND_PERCENT_PER_HOUR));
        }

        double fields = last.stored() - first.stored();
        double labels = last.labels() - first.labels();
        double[] stored = window.stream().mapToDouble(Sample::stored).toArray();
        int thumbnail = Math.min(setting.size(), 192);
        double labelledStains = setting.labelShare() * setting.stainBytesPerField();
        Map<String, Double> allowedPerField = new LinkedHashMap<>();
        Map<String, String> bounds = new LinkedHashMap<>();
        allowedPerField.put(SoakBenchmark.BLOBS, 1.1 * labelledStains + 6.0 * setting.modelBytes() / fields);
        bounds.put(SoakBenchmark.BLOBS, "must not grow but by what retention keeps: the labelled share of stains (1.1 × "
                + String.format(Locale.ROOT, "%.0f%% × %.0f B", 100 * setting.labelShare(), setting.stainBytesPerField())
                + ") + 3 model versions' ONNX and checkpoint over the window; the claim-checked stains ("
                + String.format(Locale.ROOT, "%.0f%%", 100 * setting.claimCheckedShare()) + " of fields) only within the"
                + " topics' reach");
        allowedPerField.put(SoakBenchmark.TRAINING_DATA, KIB + setting.labelShare() * (4.0 * setting.size()
                * setting.size() * 4 + 2 * KIB));
        bounds.put(SoakBenchmark.TRAINING_DATA, "must not grow but by 1 KiB of index and ledger lines per field and a"
                + " sample-cache record (4 S² floats + 2 KiB) per labelled field");
        if (setting.topicRetentionMinutes() > 0) {
            allowedPerField.put(SoakBenchmark.KAFKA, 4 * KIB);
            bounds.put(SoakBenchmark.KAFKA, String.format(Locale.ROOT, "must not grow once the topics' retention"
                    + " (%.0f min, segments of 1 min) and the compaction of ingest's changelogs (segments of 1 min) hold:"
                    + " at most the changelogs' tombstones and closed-sample records, 4 KiB per field",
                    setting.topicRetentionMinutes()));
        } else {
            allowedPerField.put(SoakBenchmark.KAFKA, 6 * setting.stainBytesPerField() + 16 * KIB);
            bounds.put(SoakBenchmark.KAFKA, "grows (retention outlasts the run): at most 6 × the stains + 16 KiB per"
                    + " field (acquisitions, ingest's changelog and samples carry the stains; classifications the masks)");
        }
        allowedPerField.put(SoakBenchmark.POSTGRES_TABLES, 3.0 * thumbnail * thumbnail + 16 * KIB);
        bounds.put(SoakBenchmark.POSTGRES_TABLES, "grows with the rows: at most an RGB thumbnail (3 × " + thumbnail + "²)"
                + " + 16 KiB of prediction, mask and index rows per field");
        for (Map.Entry<String, Double> allowed : allowedPerField.entrySet()) {
            String directory = allowed.getKey();
            double[] bytes = values(window, s -> s.disk().getOrDefault(directory, 0L));
            timeFits.put(directory, BenchStats.fit(minutes, bytes));
            double perField = BenchStats.fit(stored, bytes).slope();
            checks.add(new Check("disk " + directory, String.format(Locale.ROOT, "%.1f MB at the end, %.0f B per stored"
                    + " field", bytes[bytes.length - 1] / 1e6, perField),
                    String.format(Locale.ROOT, "≤ %.0f B per field: %s", allowed.getValue(), bounds.get(directory)),
                    perField <= allowed.getValue()));
        }
        double[] runFolders = values(window, s -> s.disk().getOrDefault(SoakBenchmark.TRAINING_RUNS, 0L));
        timeFits.put(SoakBenchmark.TRAINING_RUNS, BenchStats.fit(minutes, runFolders));
        long runs = last.trainingRuns() - first.trainingRuns();
        double runGrowth = runFolders[runFolders.length - 1] - runFolders[0];
        checks.add(new Check("disk " + SoakBenchmark.TRAINING_RUNS, String.format(Locale.ROOT, "%.1f MB at the end,"
                + " %+.1f MB over %d runs finished in the window", runFolders[runFolders.length - 1] / 1e6, runGrowth / 1e6,
                runs), "≤ 2 MiB per run (training README, \"Retention\": report, PNGs, snapshot.csv, a few hundred KB)",
                runGrowth <= 2 * MIB * Math.max(1, runs)));
        double[] wal = values(window, s -> s.disk().getOrDefault(SoakBenchmark.POSTGRES_WAL, 0L));
        timeFits.put(SoakBenchmark.POSTGRES_WAL, BenchStats.fit(minutes, wal));
        double maxWal = samples.stream().mapToDouble(s -> s.disk().getOrDefault(SoakBenchmark.POSTGRES_WAL, 0L)).max()
                .orElse(0);
        checks.add(new Check("disk " + SoakBenchmark.POSTGRES_WAL, String.format(Locale.ROOT, "%.1f MB at most",
                maxWal / 1e6), String.format(Locale.ROOT, "≤ 1.1 × max_wal_size (%.0f MB): recycled at checkpoints",
                setting.maxWalBytes() / 1e6), maxWal <= 1.1 * setting.maxWalBytes()));

        Sample end = samples.get(samples.size() - 1);
        checks.add(new Check("nothing lost", String.format(Locale.ROOT, "%d published, %d stored, %d missing", published,
                end.stored(), missing.size()), "published = stored", missing.isEmpty() && end.stored() == published));
        checks.add(new Check("curator labels posted", String.format(Locale.ROOT, "%d posted, %d failed", end.labels(),
                labelFailures.size()), "none refused", labelFailures.isEmpty() && end.labels() > 0));
        Sample start = samples.get(0);
        double dropped = delta(start, end, "training_retention_samples_dropped_total");
        double deleted = delta(start, end, "training_retention_blobs_deleted_total");
        double failures = delta(start, end, "training_retention_failures_total");
        double foreign = delta(start, end, "training_retention_foreign_blobs_deleted_total");
        boolean foreignExpected = setting.claimCheckedShare() > 0;
        checks.add(new Check("training's garbage collector ran", String.format(Locale.ROOT, "%.0f unlabelled samples"
                + " dropped, %.0f owned and %.0f foreign blobs deleted, %.0f failed passes", dropped, deleted, foreign,
                failures), "samples dropped and blobs deleted" + (foreignExpected ? ", claim-checked stains too" : "")
                + ", no failed pass", dropped > 0 && deleted > 0 && (!foreignExpected || foreign > 0) && failures == 0));
        checks.add(new Check("training retrained", String.format(Locale.ROOT, "%d runs finished (%.0f labels in the"
                + " window)", end.trainingRuns(), labels), "at least 1", end.trainingRuns() >= 1));
        Map<String, Long> collections = new LinkedHashMap<>();
        end.collections().forEach((module, count) -> collections.put(module, count - first.collections()
                .getOrDefault(module, 0L)));
        checks.add(new Check("JVM garbage collections in the window", collections.toString(), "every service collected",
                collections.size() == Stack.SERVICES.size() && collections.values().stream().allMatch(c -> c > 0)));
        return new Verdict(checks, timeFits, setting.warmupMinutes());
    }

    String report() {
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "Fit window: samples from minute %.1f on"
                + " (before: warm-up).%n%n| check | measured | bound | result |%n|---|---|---|---|%n", warmupMinutes));
        for (Check check : checks) {
            report.append("| ").append(check.what()).append(" | ").append(check.measured()).append(" | ")
                    .append(check.bound()).append(" | ").append(check.passed() ? "pass" : "**FAIL**").append(" |\n");
        }
        report.append("\nVerdict: ").append(passed() ? "**PASS**" : "**FAIL**").append('\n');
        return report.toString();
    }

    private static double delta(Sample start, Sample end, String metric) {
        // a counter appears at its first increment: absent means none yet
        double before = start.training().getOrDefault(metric, Double.NaN);
        double after = end.training().getOrDefault(metric, Double.NaN);
        return (Double.isNaN(after) ? 0 : after) - (Double.isNaN(before) ? 0 : before);
    }

    private static double[] values(List<Sample> samples, ToDoubleFunction<Sample> value) {
        return samples.stream().mapToDouble(value).toArray();
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
