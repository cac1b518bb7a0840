package io.tunet.core.training;

import io.tunet.core.masks.ThresholdMethod;
import io.tunet.schemas.HpaClasses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model-ready samples on disk, so that training holds a batch, not a dataset, in memory. Each sample is decoded,
 * resized and given its weak mask once ({@link #cache}, on worker threads, with progress); afterwards a {@link
 * SampleSet} reads it back with one positional read.
 *
 * <p>Layout: one folder per input size, mask threshold and {@link #FORMAT} under the root, holding {@code
 * samples.bin} (records appended one after the other) and {@code index.tsv} (one line per record: content key,
 * offset, length, CRC-32, whether it has true masks). A sample is found by its content key, which its caller
 * derives from everything the tensors depend on (for a directory: id, labels, and the size and time of every
 * source file), so a changed input is decoded again and an unchanged one never is. Records are forced to disk
 * before their index lines, and a build killed half-way leaves a tail that the next build cuts off: it resumes
 * where the killed one stopped. Reads check each record's CRC.
 *
 * <p>A record: encoding (1 = 8-bit, 2 = 32-bit float), the true-mask count (255: none), the image ({@code 4 × S ×
 * S} values), the weak mask as bits, then per true mask its class and bits. The image is kept in 8 bits when that
 * is exact (8-bit stains at their own size: every value is {@code k / 255}: at 512² the Kaggle set takes 34 GB
 * instead of 130 GB of floats), else as the floats themselves (resized or 16-bit stains): training reads back
 * exactly what it decoded. (A first version kept these in 16 bits, at most 1/131070 off: half the disk, but not
 * the inputs training would have had without the cache.)
 *
 * <p>Stale records (inputs that changed) stay in the file until the folder is deleted; the cache only grows.
 * One process builds a folder at a time (a file lock; another process waits); any number may read.
 */
public final class SampleCache {

    /** Where the command line keeps its cache unless told otherwise, in words for help texts. */
    public static final String DEFAULT_ROOT_TEXT = "$XDG_CACHE_HOME/tunet/samples, else ~/.cache/tunet/samples";

    /** Version of the record layout and of the preprocessing behind it; a new one starts a new folder. */
    public static final int FORMAT = 2;

    private static final Logger LOG = LoggerFactory.getLogger(SampleCache.class);
    private static final String DATA_FILE = "samples.bin";
    private static final String INDEX_FILE = "index.tsv";
    private static final String LOCK_FILE = "lock";
    private static final int NO_TRUE_MASKS = 255;
    private static final int FLUSH_EVERY = 64;
    private static final float[] EIGHT_BIT = eightBitValues();

    /** How a sample's tensors are made when they are not in the cache yet. */
    @FunctionalInterface
    public interface Decoder {
        /** Decodes the sample; any exception marks it as a {@link Failure}. */
        TrainingData.Sample decode() throws Exception;
    }

    /**
     * A sample to have in the cache.
     *
     * @param id sample id
     * @param labels class indices (kept in memory, not in the record)
     * @param key content key: equal keys mean equal tensors (see {@link #key})
     * @param decoder makes the tensors when the key is not cached
     */
    public record Input(String id, int[] labels, String key, Decoder decoder) {
    }

    /** A sample that could not be decoded, and why. */
    public record Failure(String id, Exception cause) {
    }

    /** The cached samples, in input order, and the inputs that failed. */
    public record Result(SampleSet samples, List<Failure> failures) {
    }

    private record Entry(long offset, int length, long crc, boolean trueMasks) {
    }

    private final Path folder;
    private final int size;
    private final ThresholdMethod maskThreshold;

    private SampleCache(Path folder, int size, ThresholdMethod maskThreshold) {
        this.folder = folder;
        this.size = size;
        this.maskThreshold = maskThreshold;
    }

    /**
     * The cache for samples of {@code size × size} with weak masks from {@code maskThreshold}, under {@code root}
     * (created when missing).
     *
     * @throws IOException if the folder cannot be created
     */
    public static SampleCache open(Path root, int size, ThresholdMethod maskThreshold) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        Path folder = root.resolve(String.format(Locale.ROOT, "s%d-%s-f%d", size,
                maskThreshold.name().toLowerCase(Locale.ROOT), FORMAT));
        Files.createDirectories(folder);
        return new SampleCache(folder, size, maskThreshold);
    }

    /** The command line's default root: {@value #DEFAULT_ROOT_TEXT}. */
    public static Path defaultRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("tunet").resolve("samples");
    }

    /** Side S of the cached tensors. */
    public int size() {
        return size;
    }

    /** The threshold of the cached weak masks. */
    public ThresholdMethod maskThreshold() {
        return maskThreshold;
    }

    /** The folder of this size, threshold and format. */
    public Path folder() {
        return folder;
    }

    /**
     * A content key: the SHA-256 of the id, the labels and the given parts (for example the source files' names,
     * sizes and times, or their digests), each separated so that no two different inputs give the same text.
     */
    public static String key(String id, int[] labels, List<String> parts) {
        StringBuilder text = new StringBuilder(id).append('\u0000');
        for (int label : labels) {
            text.append(label).append(',');
        }
        for (String part : parts) {
            text.append('\u0000').append(part);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Makes sure every input is cached, decoding the missing ones on {@code threads} workers (at most twice as
     * many decoded samples wait in memory for the writer), and returns them as a set read from disk.
     *
     * @param progress called with the number of inputs done (cached, decoded or failed) as it grows
     * @throws IOException if the cache cannot be read or written
     * @throws InterruptedException if interrupted; what was written so far stays cached
     */
    public synchronized Result cache(List<Input> inputs, int threads, IntConsumer progress)
            throws IOException, InterruptedException {
        try (FileChannel lockChannel = FileChannel.open(folder.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileLock lock = lockChannel.lock()) {
            Map<String, Entry> index = readIndex();
            List<Failure> failures = new ArrayList<>();
            List<Input> missing = inputs.stream().filter(input -> !index.containsKey(input.key())).toList();
            int done = inputs.size() - missing.size();
            progress.accept(done);
            if (!missing.isEmpty()) {
                LOG.info("caching {} of {} samples at {}² in {}", missing.size(), inputs.size(), size, folder);
                write(missing, threads, index, failures, done, progress);
            }
            List<Input> cached = inputs.stream().filter(input -> index.containsKey(input.key())).toList();
            return new Result(new CachedSet(folder.resolve(DATA_FILE), size, cached, index), List.copyOf(failures));
        }
    }

    private void write(List<Input> missing, int threads, Map<String, Entry> index, List<Failure> failures, int done,
            IntConsumer progress) throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), runnable -> {
            Thread thread = new Thread(runnable, "sample-cache");
            thread.setDaemon(true);
            return thread;
        });
        CompletionService<Encoded> completion = new ExecutorCompletionService<>(pool);
        try (FileChannel data = FileChannel.open(folder.resolve(DATA_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
                FileChannel indexFile = FileChannel.open(folder.resolve(INDEX_FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            long end = index.values().stream().mapToLong(e -> e.offset() + e.length()).max().orElse(0);
            data.truncate(end);
            int window = 2 * Math.max(1, threads);
            int submitted = 0;
            int finished = 0;
            StringBuilder pending = new StringBuilder();
            while (finished < missing.size()) {
                while (submitted < missing.size() && submitted - finished < window) {
                    Input input = missing.get(submitted++);
                    completion.submit(() -> encode(input));
                }
                Encoded encoded = take(completion);
                finished++;
                if (encoded.failure() != null) {
                    failures.add(encoded.failure());
                } else if (!index.containsKey(encoded.key())) {
                    ByteBuffer record = ByteBuffer.wrap(encoded.bytes());
                    long offset = end;
                    while (record.hasRemaining()) {
                        end += data.write(record, end);
                    }
                    CRC32 crc = new CRC32();
                    crc.update(encoded.bytes());
                    Entry entry = new Entry(offset, encoded.bytes().length, crc.getValue(), encoded.trueMasks());
                    index.put(encoded.key(), entry);
                    pending.append(line(encoded.key(), entry));
                }
                if (finished % FLUSH_EVERY == 0 || finished == missing.size()) {
                    flush(data, indexFile, pending);
                }
                progress.accept(done + finished);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void flush(FileChannel data, FileChannel indexFile, StringBuilder pending) throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        data.force(false);
        ByteBuffer lines = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.UTF_8));
        while (lines.hasRemaining()) {
            indexFile.write(lines);
        }
        indexFile.force(false);
        pending.setLength(0);
    }

    private static Encoded take(CompletionService<Encoded> completion) throws InterruptedException, IOException {
        Future<Encoded> future = completion.take();
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IOException("cannot encode a sample for the cache: " + e.getCause(), e.getCause());
        }
    }

    private record Encoded(String key, byte[] bytes, boolean trueMasks, Failure failure) {
    }

    private Encoded encode(Input input) {
        TrainingData.Sample sample;
        try {
            sample = input.decoder().decode();
        } catch (Exception e) {
            return new Encoded(input.key(), null, false, new Failure(input.id(), e));
        }
        int plane = size * size;
        if (sample.image().length != 4 * plane || sample.proteinMask().length != plane) {
            return new Encoded(input.key(), null, false, new Failure(input.id(),
                    new IllegalArgumentException("sample " + input.id() + " does not have size " + size)));
        }
        return new Encoded(input.key(), toBytes(sample, size), sample.trueMasks() != null, null);
    }

    /** The record of a sample (see the class comment). */
    static byte[] toBytes(TrainingData.Sample sample, int size) {
        int plane = size * size;
        float[] image = sample.image();
        boolean eightBit = true;
        for (int i = 0; i < image.length && eightBit; i++) {
            int level = Math.round(image[i] * 255);
            eightBit = level >= 0 && level <= 255 && EIGHT_BIT[level] == image[i];
        }
        int maskBytes = (plane + 7) / 8;
        List<Integer> classes = new ArrayList<>();
        if (sample.trueMasks() != null) {
            for (int c = 0; c < HpaClasses.COUNT; c++) {
                if (sample.trueMasks()[c] != null) {
                    classes.add(c);
                }
            }
        }
        int length = 2 + image.length * (eightBit ? 1 : Float.BYTES) + maskBytes + classes.size() * (1 + maskBytes);
        ByteBuffer out = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) (eightBit ? 1 : 2));
        out.put((byte) (sample.trueMasks() == null ? NO_TRUE_MASKS : classes.size()));
        for (float value : image) {
            if (eightBit) {
                out.put((byte) Math.round(value * 255));
            } else {
                out.putFloat(value);
            }
        }
        putBits(out, sample.proteinMask(), maskBytes);
        for (int c : classes) {
            out.put((byte) c);
            putBits(out, sample.trueMasks()[c], maskBytes);
        }
        return out.array();
    }

    /** The sample back from its record. */
    static TrainingData.Sample fromBytes(byte[] bytes, String id, int[] labels, int size) {
        int plane = size * size;
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int encoding = in.get();
        int maskCount = in.get() & 0xFF;
        float[] image = new float[4 * plane];
        if (encoding == 1) {
            for (int i = 0; i < image.length; i++) {
                image[i] = EIGHT_BIT[in.get() & 0xFF];
            }
        } else {
            for (int i = 0; i < image.length; i++) {
                image[i] = in.getFloat();
            }
        }
        byte[] proteinMask = getBits(in, plane);
        byte[][] trueMasks = null;
        if (maskCount != NO_TRUE_MASKS) {
            trueMasks = new byte[HpaClasses.COUNT][];
            for (int m = 0; m < maskCount; m++) {
                int c = in.get();
                trueMasks[c] = getBits(in, plane);
            }
        }
        return new TrainingData.Sample(id, image, proteinMask, labels, trueMasks);
    }

    private static void putBits(ByteBuffer out, byte[] mask, int byteCount) {
        for (int b = 0; b < byteCount; b++) {
            int bits = 0;
            for (int k = 0; k < 8; k++) {
                int i = b * 8 + k;
                if (i < mask.length && mask[i] != 0) {
                    bits |= 1 << k;
                }
            }
            out.put((byte) bits);
        }
    }

    private static byte[] getBits(ByteBuffer in, int count) {
        byte[] mask = new byte[count];
        for (int b = 0; b < (count + 7) / 8; b++) {
            int bits = in.get();
            for (int k = 0; k < 8 && b * 8 + k < count; k++) {
                mask[b * 8 + k] = (byte) ((bits >> k) & 1);
            }
        }
        return mask;
    }

    /** The same values as the image decoder's 8-bit scaling ({@code level * (1 / 255)}). */
    private static float[] eightBitValues() {
        float scale = 1f / 255;
        float[] values = new float[256];
        for (int level = 0; level < values.length; level++) {
            values[level] = level * scale;
        }
        return values;
    }

    private static String line(String key, Entry entry) {
        return key + '\t' + entry.offset() + '\t' + entry.length() + '\t' + entry.crc() + '\t'
                + (entry.trueMasks() ? 1 : 0) + '\n';
    }

    /**
     * The index as far as it is whole: lines whose record lies inside the data file. A killed build can leave
     * a half-written last line or a record without its line; both are dropped here, and the index file is
     * rewritten if it had any.
     */
    private Map<String, Entry> readIndex() throws IOException {
        Path indexPath = folder.resolve(INDEX_FILE);
        Path dataPath = folder.resolve(DATA_FILE);
        Map<String, Entry> index = new HashMap<>();
        if (!Files.exists(indexPath)) {
            return index;
        }
        long dataLength = Files.exists(dataPath) ? Files.size(dataPath) : 0;
        String text = Files.readString(indexPath, StandardCharsets.UTF_8);
        boolean damaged = !text.isEmpty() && !text.endsWith("\n");
        StringBuilder kept = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t");
            Entry entry = null;
            try {
                if (fields.length == 5) {
                    entry = new Entry(Long.parseLong(fields[1]), Integer.parseInt(fields[2]),
                            Long.parseLong(fields[3]), fields[4].equals("1"));
                }
            } catch (NumberFormatException e) {
                entry = null;
            }
            if (entry == null || entry.offset() + entry.length() > dataLength) {
                damaged = true;
                continue;
            }
            index.put(fields[0], entry);
            kept.append(line).append('\n');
        }
        if (damaged) {
            LOG.warn("{}: dropping the index lines of an interrupted build; {} samples stay cached", indexPath,
                    index.size());
            Path temporary = folder.resolve(INDEX_FILE + ".tmp");
            Files.writeString(temporary, kept, StandardCharsets.UTF_8);
            Files.move(temporary, indexPath, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return index;
    }

    /** Cached samples, each read from disk when asked for. */
    private static final class CachedSet implements SampleSet {

        private final Path data;
        private final int size;
        private final String[] ids;
        private final int[][] labels;
        private final Entry[] entries;
        private final boolean trueMasks;

        CachedSet(Path data, int size, List<Input> inputs, Map<String, Entry> index) {
            this.data = data;
            this.size = size;
            this.ids = inputs.stream().map(Input::id).toArray(String[]::new);
            this.labels = inputs.stream().map(input -> input.labels().clone()).toArray(int[][]::new);
            this.entries = inputs.stream().map(input -> index.get(input.key())).toArray(Entry[]::new);
            this.trueMasks = entries.length > 0 && Arrays.stream(entries).allMatch(Entry::trueMasks);
        }

        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public String id(int index) {
            return ids[index];
        }

        @Override
        public int[] labels(int index) {
            return labels[index].clone();
        }

        @Override
        public boolean hasTrueMasks() {
            return trueMasks;
        }

        @Override
        public TrainingData.Sample get(int index) {
            Entry entry = entries[index];
            byte[] bytes = new byte[entry.length()];
            try (FileChannel channel = FileChannel.open(data, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                long position = entry.offset();
                while (buffer.hasRemaining()) {
                    int read = channel.read(buffer, position);
                    if (read < 0) {
                        throw new IOException("the file ends inside the record of sample " + ids[index]);
                    }
                    position += read;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read sample " + ids[index] + " from the cache " + data
                        + ": " + e.getMessage(), e);
            }
            CRC32 crc = new CRC32();
            crc.update(bytes);
            if (crc.getValue() != entry.crc()) {
                throw new UncheckedIOException(new IOException("the cached record of sample " + ids[index] + " in "
                        + data + " is damaged (CRC mismatch); delete " + data.getParent() + " to rebuild it"));
            }
            return fromBytes(bytes, ids[index], labels[index].clone(), size);
        }
    }
}
