package io.tunet.core.onnx;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.translate.TranslatorContext;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TUNet (or baseline) ONNX model served by ONNX Runtime through DJL: load once, share across threads,
 * and give each worker thread its own {@link Session} (DJL predictors are not thread-safe).
 *
 * <pre>{@code
 * try (OnnxTunet model = OnnxTunet.load(path); OnnxTunet.Session session = model.newSession()) {
 *     TunetPrediction p = session.predict(images); // images[i] = float[4 * S * S]
 * }
 * }</pre>
 */
public final class OnnxTunet implements AutoCloseable {

    private static final String ENGINE = "OnnxRuntime";

    private final ZooModel<float[][], TunetPrediction> model;
    private final OrtSession.SessionOptions sessionOptions;
    private final OnnxModelMetadata metadata;
    private final boolean hasMasks;

    private OnnxTunet(ZooModel<float[][], TunetPrediction> model, OrtSession.SessionOptions sessionOptions,
            OnnxModelMetadata metadata, boolean hasMasks) {
        this.model = model;
        this.sessionOptions = sessionOptions;
        this.metadata = metadata;
        this.hasMasks = hasMasks;
    }

    /**
     * Loads an ONNX file written by {@link OnnxExporter}, checking its metadata and input/output signature
     * before handing it to ONNX Runtime.
     *
     * @throws OnnxModelException if the file is unreadable, is not a TUNet export, or ONNX Runtime refuses it
     */
    public static OnnxTunet load(Path file) {
        return load(file, Device.cpu());
    }

    /**
     * Like {@link #load(Path)} on a chosen device. ONNX Runtime uses CUDA only for {@code Device.gpu()};
     * check {@code Engine.getEngine("OnnxRuntime").getGpuCount() > 0} first (DESIGN §7).
     *
     * @throws OnnxModelException if the file is unreadable, is not a TUNet export, or ONNX Runtime refuses it
     */
    public static OnnxTunet load(Path file, Device device) {
        OnnxMl.ModelProto proto = readProto(file);
        Map<String, String> properties = new LinkedHashMap<>();
        proto.getMetadataPropsList().forEach(p -> properties.put(p.getKey(), p.getValue()));
        OnnxModelMetadata metadata = OnnxModelMetadata.fromProperties(properties);
        boolean hasMasks = checkSignature(proto.getGraph(), metadata, file);
        // DJL must set up ONNX Runtime's environment before any ai.onnxruntime class is touched (DESIGN §7).
        Engine.getEngine(ENGINE);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            // Spinning pool threads stall badly when other processes share the cores (README, "Threads").
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            Criteria<float[][], TunetPrediction> criteria = Criteria.builder()
                    .setTypes(float[][].class, TunetPrediction.class)
                    .optModelPath(file)
                    .optEngine(ENGINE)
                    .optDevice(device)
                    .optArgument("sessionOptions", options)
                    .optTranslator(new BatchTranslator(metadata.inputSize(), hasMasks))
                    .build();
            return new OnnxTunet(criteria.loadModel(), options, metadata, hasMasks);
        } catch (OrtException | IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
            options.close();
            throw new OnnxModelException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    /** Name, version, input size, class names and thresholds stored in the file. */
    public OnnxModelMetadata metadata() {
        return metadata;
    }

    /** Whether the model outputs masks. */
    public boolean hasMasks() {
        return hasMasks;
    }

    /** A new session for the calling thread; close it when the thread is done. */
    public Session newSession() {
        return new Session(model.newPredictor());
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
