package io.tunet.synth.labels;

import io.tunet.schemas.HpaClasses;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct label sets of the HPA training list with how often each occurs: the compact form of
 * {@code train.csv} that the label sampler draws from, so synthetic class frequencies and co-occurrences
 * match the real dataset.
 *
 * <p>The shipped table ({@link #bundled()}) was derived from the 31,072-row competition list with
 * {@link #fromTrainCsv(Path)}; a test re-derives it from the CSV and requires equality. Text form, one set
 * per line: {@code count<TAB>labels}, labels ascending and space-separated, rows by count descending then
 * labels.
 */
public final class LabelSetTable {

    /** Classpath location of the bundled table. */
    public static final String RESOURCE = "/io/tunet/synth/labels/hpa-label-sets.tsv";

    /** One distinct label set and the number of images carrying exactly that set. */
    public record Entry(int[] labels, long count) {

        public Entry {
            labels = labels.clone();
            if (count <= 0) {
                throw new IllegalArgumentException("count of label set " + Arrays.toString(labels) + " must be positive: " + count);
            }
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.count == count && Arrays.equals(e.labels, labels);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(labels) + Long.hashCode(count);
        }

        @Override
        public String toString() {
            return count + "\t" + joinLabels(labels);
        }
    }

    private final List<Entry> entries;
    private final long total;

    private LabelSetTable(List<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a label-set table needs at least one entry");
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::count).reversed()
                .thenComparing((a, b) -> Arrays.compare(a.labels, b.labels)));
        this.entries = Collections.unmodifiableList(sorted);
        this.total = sorted.stream().mapToLong(Entry::count).sum();
    }

    /** The table shipped with this module, derived from the real HPA {@code train.csv}. */
    public static LabelSetTable bundled() {
        try (InputStream in = LabelSetTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("label-set table resource " + RESOURCE + " is missing from the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Derives the table from an HPA label list ({@code Id,Target} header, Target = space-separated class
     * indices in any order).
     *
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the line if a row is malformed or a label is outside 0..27
     */
    public static LabelSetTable fromTrainCsv(Path csv) throws IOException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, int[]> sets = new LinkedHashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            if (header == null || !header.strip().equals("Id,Target")) {
                throw new IllegalArgumentException(csv + ": expected header 'Id,Target', found " + header);
            }
            String line;
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                if (comma < 0) {
                    throw new IllegalArgumentException(csv + " line " + lineNo + ": no ',' between Id and Target");
                }
                int[] labels = parseLabels(line.substring(comma + 1), csv + " line " + lineNo);
                String key = joinLabels(labels);
                sets.putIfAbsent(key, labels);
                counts.computeIfAbsent(key, k -> new long[1])[0]++;
            }
        }
        List<Entry> entries = new ArrayList<>();
        counts.forEach((key, count) -> entries.add(new Entry(sets.get(key), count[0])));
        return new LabelSetTable(entries);
    }

    /**
     * Parses the text form written by {@link #toText()}.
     *
     * @param source names the text in error messages
     */
    public static LabelSetTable parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": expected 'count<TAB>labels'");
            }
            long count;
            try {
                count = Long.parseLong(line.substring(0, tab));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": bad count '" + line.substring(0, tab) + "'");
            }
            entries.add(new Entry(parseLabels(line.substring(tab + 1), source + " line " + (i + 1)), count));
        }
        return new LabelSetTable(entries);
    }

    /**
     * Parses a Target string ("16 0") into sorted, distinct class indices.
     *
     * @throws IllegalArgumentException naming {@code where} for an empty set, a non-number or an index outside 0..27
     */
    public static int[] parseLabels(String target, String where) {
        String trimmed = target.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(where + ": empty label set");
        }
        String[] parts = trimmed.split("\\s+");
        int[] labels = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                labels[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": label '" + parts[i] + "' is not a class index");
            }
            if (!HpaClasses.isValid(labels[i])) {
                throw new IllegalArgumentException(where + ": label " + labels[i] + " is outside 0.." + (HpaClasses.COUNT - 1));
            }
        }
        return Arrays.stream(labels).sorted().distinct().toArray();
    }

    static String joinLabels(int[] labels) {
        StringBuilder sb = new StringBuilder();
        for (int label : labels) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(label);
        }
        return sb.toString();
    }

    /** The distinct label sets, by count descending. */
    public List<Entry> entries() {
        return entries;
    }

    /** Number of images the table was derived from (sum of counts). */
    public long totalImages() {
        return total;
    }

    /** Fraction of images that carry class {@code classIndex} (among possibly other labels). */
    public double classFrequency(int classIndex) {
        HpaClasses.requireValid(classIndex);
        long n = 0;
        for (Entry e : entries) {
            if (Arrays.binarySearch(e.labels, classIndex) >= 0) {
                n += e.count;
            }
        }
        return (double) n / total;
    }

    /** The text form (the format of the bundled resource). */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Distinct label sets of the HPA 2018 train.csv (").append(total)
                .append(" images): count<TAB>sorted class indices\n");
        for (Entry e : entries) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSetTable t && t.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }
}
