package io.tunet.core.onnx;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import io.tunet.schemas.HpaClasses;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an exported model says about itself in the ONNX file's {@code metadata_props}: name, version,
 * input size, the class names in output order and the per-class decision thresholds.
 *
 * @param modelName model name, e.g. {@code tunet}
 * @param version model version, e.g. {@code 3} or a timestamp
 * @param inputSize side S of the square input the model expects
 * @param classNames class names in output order (the 28 HPA classes)
 * @param thresholds per-class decision thresholds, one per class
 */
public record OnnxModelMetadata(String modelName, String version, int inputSize, List<String> classNames,
        float[] thresholds) {

    /** Metadata key of the model name. */
    public static final String KEY_MODEL_NAME = "tunet.model_name";
    /** Metadata key of the version. */
    public static final String KEY_VERSION = "tunet.version";
    /** Metadata key of the input size. */
    public static final String KEY_INPUT_SIZE = "tunet.input_size";
    /** Metadata key of the class names (a JSON array of strings). */
    public static final String KEY_CLASS_NAMES = "tunet.class_names";
    /** Metadata key of the thresholds (a JSON array of numbers). */
    public static final String KEY_THRESHOLDS = "tunet.thresholds";

    private static final Gson GSON = new Gson();

    /** Validates the metadata. */
    public OnnxModelMetadata {
        if (modelName == null || modelName.isBlank() || version == null || version.isBlank()) {
            throw new IllegalArgumentException("model name and version are required");
        }
        if (inputSize <= 0) {
            throw new IllegalArgumentException("input size must be positive, was " + inputSize);
        }
        if (classNames == null || thresholds == null || classNames.size() != thresholds.length) {
            throw new IllegalArgumentException("need one threshold per class name");
        }
        for (float t : thresholds) {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("thresholds must be in [0, 1], got " + Arrays.toString(thresholds));
            }
        }
        classNames = List.copyOf(classNames);
        thresholds = thresholds.clone();
    }

    /** Metadata for the 28 HPA classes with every threshold at 0.5 (before fitting). */
    public static OnnxModelMetadata untuned(String modelName, String version, int inputSize) {
        float[] half = new float[HpaClasses.COUNT];
        Arrays.fill(half, 0.5f);
        return new OnnxModelMetadata(modelName, version, inputSize, HpaClasses.names(), half);
    }

    /** The same metadata with other thresholds. */
    public OnnxModelMetadata withThresholds(float[] newThresholds) {
        return new OnnxModelMetadata(modelName, version, inputSize, classNames, newThresholds);
    }

    @Override
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The key-value pairs written into the ONNX file. */
    public Map<String, String> toProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(KEY_MODEL_NAME, modelName);
        properties.put(KEY_VERSION, version);
        properties.put(KEY_INPUT_SIZE, Integer.toString(inputSize));
        properties.put(KEY_CLASS_NAMES, GSON.toJson(classNames));
        properties.put(KEY_THRESHOLDS, GSON.toJson(thresholds));
        return properties;
    }

    /**
     * Reads metadata written by {@link #toProperties()}.
     *
     * @throws OnnxModelException if a key is missing or a value does not parse
     */
    public static OnnxModelMetadata fromProperties(Map<String, String> properties) {
        try {
            String[] names = GSON.fromJson(require(properties, KEY_CLASS_NAMES), String[].class);
            float[] thresholds = GSON.fromJson(require(properties, KEY_THRESHOLDS), float[].class);
            if (names == null || thresholds == null) {
                throw new OnnxModelException("ONNX model has empty class names or thresholds");
            }
            return new OnnxModelMetadata(require(properties, KEY_MODEL_NAME), require(properties, KEY_VERSION),
                    Integer.parseInt(require(properties, KEY_INPUT_SIZE)), List.of(names), thresholds);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new OnnxModelException("invalid TUNet metadata in ONNX model: " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> properties, String key) {
        String value = properties.get(key);
        if (value == null) {
            throw new OnnxModelException("ONNX model has no metadata '" + key + "' (not exported by tunet-core?)");
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OnnxModelMetadata m && modelName.equals(m.modelName) && version.equals(m.version)
                && inputSize == m.inputSize && classNames.equals(m.classNames)
                && Arrays.equals(thresholds, m.thresholds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(thresholds) + java.util.Objects.hash(modelName, version, inputSize, classNames);
    }

    @Override
    public String toString() {
        return "OnnxModelMetadata[" + modelName + " " + version + ", input " + inputSize + ", thresholds "
                + Arrays.toString(thresholds) + "]";
    }
}
