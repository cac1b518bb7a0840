package io.tunet.core.onnx;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TUNet (or baseline) ONNX model served by ONNX Runtime through DJL: load once, share across threads,
 * and give each worker thread its own {@link Session} (DJL predictors are not thread-safe). {@link #device()}
 * and {@link #nodesPerProvider()} say where ONNX Runtime really runs it.
 *
 * <pre>{@code
 * try (OnnxTunet model = OnnxTunet.load(path); OnnxTunet.Session session = model.newSession()) {
 *     TunetPrediction p = session.predict(images); // images[i] = float[4 * S * S]
 * }
 * }</pre>
 */
public final class OnnxTunet implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxTunet.class);
    private static final String ENGINE = "OnnxRuntime";
    /**
     * The JVM property DJL's ONNX Runtime engine (0.36) reads for the intra-op threads of ONNX Runtime's global
     * thread pool. That pool serves only sessions created with {@code disablePerSessionThreads}, which these are
     * not (each has a pool of its own), so through DJL alone it would change nothing here: {@link #load} sets it on
     * each session instead.
     */
    public static final String THREADS_PROPERTY = "ai.djl.onnxruntime.num_threads";

    private final Path file;
    private final Model model;
    private final BatchTranslator translator;
    private final OrtSession.SessionOptions sessionOptions;
    private final OnnxModelMetadata metadata;
    private final boolean hasMasks;

    private OnnxTunet(Path file, Model model, BatchTranslator translator, OrtSession.SessionOptions sessionOptions,
            OnnxModelMetadata metadata, boolean hasMasks) {
        this.file = file;
        this.model = model;
        this.translator = translator;
        this.sessionOptions = sessionOptions;
        this.metadata = metadata;
        this.hasMasks = hasMasks;
    }

    /**
     * Loads an ONNX file written by {@link OnnxExporter} on the CPU, checking its metadata and input/output
     * signature before handing it to ONNX Runtime.
     *
     * @throws OnnxModelException if the file is unreadable, is not a TUNet export, or ONNX Runtime refuses it
     */
    public static OnnxTunet load(Path file) {
        return load(file, Device.cpu());
    }

    /**
     * Like {@link #load(Path)} on a chosen device. DJL's ONNX Runtime engine adds the CUDA execution provider
     * exactly when {@code device} is a GPU; when it cannot (a CPU build of ONNX Runtime, or no CUDA 12 and
     * cuDNN 9 on the host) the load fails: nothing falls back to the CPU here.
     *
     * @throws OnnxModelException if the file is unreadable, is not a TUNet export, or ONNX Runtime cannot create
     *     a session for it on {@code device}; the message carries ONNX Runtime's own reason
     */
    public static OnnxTunet load(Path file, Device device) {
        return load(file, device, Integer.getInteger(THREADS_PROPERTY, 0));
    }

    /**
     * Like {@link #load(Path, Device)} with the number of threads ONNX Runtime runs one operator on (its intra-op
     * threads), instead of {@value #THREADS_PROPERTY}.
     *
     * @param intraOpThreads 1 or more; 0 for ONNX Runtime's default (one per physical core)
     * @throws IllegalArgumentException if {@code intraOpThreads} is negative
     * @throws OnnxModelException as {@link #load(Path, Device)}
     */
    public static OnnxTunet load(Path file, Device device, int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be 0 (ONNX Runtime's default) or more, got "
                    + intraOpThreads);
        }
        OnnxMl.ModelProto proto = readProto(file);
        Map<String, String> properties = new LinkedHashMap<>();
        proto.getMetadataPropsList().forEach(p -> properties.put(p.getKey(), p.getValue()));
        OnnxModelMetadata metadata = OnnxModelMetadata.fromProperties(properties);
        boolean hasMasks = checkSignature(proto.getGraph(), metadata, file);
        // DJL must set up ONNX Runtime's environment before any ai.onnxruntime class is touched (DESIGN §7).
        Engine.getEngine(ENGINE);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            Model model = loadModel(file, device, options);
            return new OnnxTunet(file, model, new BatchTranslator(metadata.inputSize(), hasMasks), options, metadata,
                    hasMasks);
        } catch (OrtException | IOException | MalformedModelException | RuntimeException e) {
            options.close();
            throw new OnnxModelException("ONNX Runtime cannot load " + file + " on " + device + ": " + reasons(e), e);
        }
    }

    /**
     * Loads through {@link Model#load(Path, String, Map)}, the one way to hand DJL's ONNX Runtime engine (0.36) a
     * {@code SessionOptions} object: a {@code Criteria} passes only string options to the model (its arguments go
     * to the translator), so options given there were silently dropped and sessions ran on ONNX Runtime's defaults.
     */
    private static Model loadModel(Path file, Device device, OrtSession.SessionOptions options)
            throws OrtException, IOException, MalformedModelException {
        disableSpinning(options);
        Model model = Model.newInstance(file.getFileName().toString(), device, ENGINE);
        try {
            model.load(file, null, Map.of("sessionOptions", options));
            return model;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static void disableSpinning(OrtSession.SessionOptions options) throws OrtException {
        // Spinning pool threads stall badly when other processes share the cores (README, "Threads").
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        options.addConfigEntry("session.inter_op.allow_spinning", "0");
    }

    /** DJL wraps ONNX Runtime's reason ("Failed to find CUDA shared provider") in a generic message: keep both. */
    private static String reasons(Throwable e) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = e; t != null && messages.size() < 4; t = t.getCause()) {
            if (t.getMessage() != null && !messages.contains(t.getMessage())) {
                messages.add(t.getMessage());
            }
        }
        return String.join(": ", messages);
    }

    /** Name, version, input size, class names and thresholds stored in the file. */
    public OnnxModelMetadata metadata() {
        return metadata;
    }

    /** Whether the model outputs masks. */
    public boolean hasMasks() {
        return hasMasks;
    }

    /**
     * The device ONNX Runtime's session was created for, read back from the loaded DJL model (not from the
     * request): DJL's engine added the CUDA execution provider to the session exactly when this is a GPU.
     */
    public Device device() {
        return model.getNDManager().getDevice();
    }

    /**
     * How many graph nodes each ONNX Runtime execution provider ran in one inference, e.g.
     * {@code {CUDAExecutionProvider=61, CPUExecutionProvider=2}}. ONNX Runtime's Java API cannot list the
     * providers of a session, and DJL keeps its session private, so this creates a second session from the same
     * file, configured as DJL 0.36 configures the serving one (the CUDA provider for {@link #device()} when that
     * is a GPU, nothing else), with ONNX Runtime's profiler on; runs one blank image; and counts the provider
     * each node's entry in the profile names. Costs a session creation and one inference; the profile is deleted.
     *
     * @return nodes per provider name, most nodes first
     * @throws OnnxModelException if the profiled session cannot be created or run, or its profile names no provider
     */
    public Map<String, Integer> nodesPerProvider() {
        Device device = device();
        int size = metadata.inputSize();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tunet-ort-profile");
            OrtEnvironment env = OrtEnvironment.getEnvironment(); // DJL's, set up by load()
            Path profile;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                disableSpinning(options);
                if (device.isGpu()) {
                    options.addCUDA(device.getDeviceId());
                }
                options.enableProfiling(dir.resolve("profile").toString());
                try (OrtSession session = env.createSession(file.toString(), options);
                        OnnxTensor blank = OnnxTensor.createTensor(env, FloatBuffer.allocate(4 * size * size),
                                new long[] {1, 4, size, size});
                        OrtSession.Result outputs = session.run(Map.of(OnnxExporter.INPUT, blank))) {
                    profile = Path.of(session.endProfiling());
                }
            }
            return countProviders(profile);
        } catch (OrtException | IOException | RuntimeException e) {
            throw new OnnxModelException("cannot profile " + file + " on " + device + ": " + reasons(e), e);
        } finally {
            deleteProfiles(dir);
        }
    }

    private static Map<String, Integer> countProviders(Path profile) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        try (Reader reader = Files.newBufferedReader(profile)) {
            for (JsonElement event : JsonParser.parseReader(reader).getAsJsonArray()) {
                JsonObject args = event.getAsJsonObject().getAsJsonObject("args");
                // One "Node" event per kernel run carries its provider; session events have none.
                if (args != null && args.has("provider")) {
                    counts.merge(args.get("provider").getAsString(), 1, Integer::sum);
                }
            }
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException("unreadable ONNX Runtime profile " + profile + ": " + e.getMessage(), e);
        }
        if (counts.isEmpty()) {
            throw new IOException("the ONNX Runtime profile names no execution provider");
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private static void deleteProfiles(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A leftover profile (kilobytes) in the temp folder is no reason to refuse a model.
            LOG.warn("cannot delete ONNX Runtime profile folder {}: {}", dir, e.toString());
        }
    }

    /** A new session for the calling thread; close it when the thread is done. */
    public Session newSession() {
        return new Session(model.newPredictor(translator));
    }

    @Override
    public void close() {
        model.close();
        sessionOptions.close();
    }

    /** One thread's handle for running batches; not thread-safe. */
    public final class Session implements AutoCloseable {
        private final Predictor<float[][], TunetPrediction> predictor;

        private Session(Predictor<float[][], TunetPrediction> predictor) {
            this.predictor = predictor;
        }

        /**
         * Runs a batch of images, each {@code float[4 * S * S]} in channel-major order (red, green, blue,
         * yellow), values as produced by the shared preprocessing.
         *
         * @throws IllegalArgumentException if the batch is empty or an image has the wrong length
         * @throws OnnxModelException if ONNX Runtime fails
         */
        public TunetPrediction predict(float[][] images) {
            int size = metadata.inputSize();
            long expected = 4L * size * size;
            if (images == null || images.length == 0) {
                throw new IllegalArgumentException("batch is empty");
            }
            for (int i = 0; i < images.length; i++) {
                if (images[i] == null || images[i].length != expected) {
                    throw new IllegalArgumentException("image " + i + " must have 4 x " + size + " x " + size
                            + " = " + expected + " values, has " + (images[i] == null ? "none" : images[i].length));
                }
            }
            try {
                return predictor.predict(images);
            } catch (TranslateException e) {
                throw new OnnxModelException("inference failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            predictor.close();
        }
    }

    private static OnnxMl.ModelProto readProto(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return OnnxMl.ModelProto.parseFrom(in);
        } catch (IOException e) {
            throw new OnnxModelException("cannot read ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean checkSignature(OnnxMl.GraphProto graph, OnnxModelMetadata metadata, Path file) {
        int size = metadata.inputSize();
        int classes = metadata.classNames().size();
        if (graph.getInputCount() != 1 || !graph.getInput(0).getName().equals(OnnxExporter.INPUT)
                || !dims(graph.getInput(0)).equals(List.of(-1L, 4L, (long) size, (long) size))) {
            throw new OnnxModelException(file + ": expected one input '" + OnnxExporter.INPUT + "' [N, 4, " + size
                    + ", " + size + "]");
        }
        if (graph.getOutputCount() < 1 || !graph.getOutput(0).getName().equals(OnnxExporter.PROBABILITIES)
                || !dims(graph.getOutput(0)).equals(List.of(-1L, (long) classes))) {
            throw new OnnxModelException(file + ": expected output '" + OnnxExporter.PROBABILITIES + "' [N, "
                    + classes + "]");
        }
        if (graph.getOutputCount() == 1) {
            return false;
        }
        if (graph.getOutputCount() != 2 || !graph.getOutput(1).getName().equals(OnnxExporter.MASKS)
                || !dims(graph.getOutput(1)).equals(List.of(-1L, (long) classes, (long) size, (long) size))) {
            throw new OnnxModelException(file + ": expected second output '" + OnnxExporter.MASKS + "' [N, "
                    + classes + ", " + size + ", " + size + "]");
        }
        return true;
    }

    private static List<Long> dims(OnnxMl.ValueInfoProto value) {
        return value.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimValue() ? d.getDimValue() : -1L)
                .toList();
    }

    private static final class BatchTranslator implements NoBatchifyTranslator<float[][], TunetPrediction> {
        private final int size;
        private final boolean hasMasks;

        BatchTranslator(int size, boolean hasMasks) {
            this.size = size;
            this.hasMasks = hasMasks;
        }

        @Override
        public NDList processInput(TranslatorContext ctx, float[][] images) {
            int plane = 4 * size * size;
            FloatBuffer buffer = FloatBuffer.allocate(images.length * plane);
            for (float[] image : images) {
                buffer.put(image);
            }
            buffer.flip();
            NDArray batch = ctx.getNDManager().create(buffer, new Shape(images.length, 4, size, size));
            batch.setName(OnnxExporter.INPUT);
            return new NDList(batch);
        }

        @Override
        public TunetPrediction processOutput(TranslatorContext ctx, NDList outputs) {
            float[] probabilities = outputs.get(0).toFloatArray();
            int n = (int) outputs.get(0).getShape().get(0);
            int classes = probabilities.length / n;
            float[][] perImage = new float[n][];
            for (int i = 0; i < n; i++) {
                perImage[i] = java.util.Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes);
            }
            float[][] masks = null;
            if (hasMasks) {
                float[] all = outputs.get(1).toFloatArray();
                int perMask = all.length / n;
                masks = new float[n][];
                for (int i = 0; i < n; i++) {
                    masks[i] = java.util.Arrays.copyOfRange(all, i * perMask, (i + 1) * perMask);
                }
            }
            return new TunetPrediction(perImage, masks, size);
        }
    }
}
