package io.tunet.core.model;

import ai.djl.nn.Block;
import io.tunet.core.onnx.OnnxNetwork;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Which network to build and at what size: TUNet from its configuration, or one of the paper's Table 3
 * classification baselines (ResNet34, Inception-v3, Inception-ResNet-v2) with the configuration's input size,
 * base width and dropout. Training, export and the command line use this one description so that every model
 * goes through the same harness.
 *
 * @param architecture TUNet or a classification baseline
 * @param config sizes (for the baselines only input size, base width and dropout are used: the base width is
 *     ResNet34's stem width, and scales the Inception networks' published widths by {@code baseWidth / 64})
 */
public record NetworkSpec(Architecture architecture, TunetConfig config) {

    /** The networks this project trains and serves. */
    public enum Architecture {
        /** The multi-task U-Net of the paper: probabilities and masks. */
        TUNET,
        /** The ResNet34 classification baseline: probabilities only. */
        RESNET34,
        /** The Inception-v3 classification baseline ({@link InceptionV3Block}): probabilities only. */
        INCEPTIONV3,
        /** The Inception-ResNet-v2 classification baseline ({@link InceptionResNetV2Block}): probabilities only. */
        INCEPTIONRESNETV2;

        /**
         * Parses {@code tunet}, {@code resnet34}, {@code inceptionv3} or {@code inceptionresnetv2}
         * (case-insensitive).
         *
         * @throws IllegalArgumentException naming the unknown value
         */
        public static Architecture parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "tunet" -> TUNET;
                case "resnet34" -> RESNET34;
                case "inceptionv3" -> INCEPTIONV3;
                case "inceptionresnetv2" -> INCEPTIONRESNETV2;
                default -> throw new IllegalArgumentException(
                        "unknown architecture '" + name + "', known: " + String.join(", ", ids()));
            };
        }

        /** The lower-case names {@link #parse} accepts, in declaration order. */
        public static List<String> ids() {
            return Arrays.stream(values()).map(Architecture::id).toList();
        }

        /** Lower-case name used in files and metadata. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Validates the arguments. */
    public NetworkSpec {
        if (architecture == null || config == null) {
            throw new IllegalArgumentException("architecture and config are required");
        }
        if (config.gatedMasks() && architecture != Architecture.TUNET) {
            throw new IllegalArgumentException("gated masks are TUNet's; " + architecture.id() + " has no masks");
        }
    }

    /** A TUNet of the given configuration. */
    public static NetworkSpec tunet(TunetConfig config) {
        return new NetworkSpec(Architecture.TUNET, config);
    }

    /** The ResNet34 baseline at the configuration's input size and width. */
    public static NetworkSpec resnet34(TunetConfig config) {
        return new NetworkSpec(Architecture.RESNET34, config);
    }

    /** The Inception-v3 baseline at the configuration's input size, widths scaled by its base width / 64. */
    public static NetworkSpec inceptionV3(TunetConfig config) {
        return new NetworkSpec(Architecture.INCEPTIONV3, config);
    }

    /** The Inception-ResNet-v2 baseline at the configuration's input size, widths scaled by its base width / 64. */
    public static NetworkSpec inceptionResNetV2(TunetConfig config) {
        return new NetworkSpec(Architecture.INCEPTIONRESNETV2, config);
    }

    /** Side S of the square input. */
    public int inputSize() {
        return config.inputSize();
    }

    /** Whether the network outputs masks and trains with the segmentation loss. */
    public boolean hasMasks() {
        return architecture == Architecture.TUNET;
    }

    /** The spec as properties (architecture and every configuration field), for checkpoints. */
    public Properties toProperties() {
        Properties properties = new Properties();
        properties.setProperty("architecture", architecture.id());
        properties.setProperty("inputSize", Integer.toString(config.inputSize()));
        properties.setProperty("baseWidth", Integer.toString(config.baseWidth()));
        properties.setProperty("depth", Integer.toString(config.depth()));
        properties.setProperty("dropout", Float.toString(config.dropout()));
        properties.setProperty("gatedMasks", Boolean.toString(config.gatedMasks()));
        return properties;
    }

    /**
     * Reads a spec written by {@link #toProperties()}. A description without {@code gatedMasks} (written before
     * the gate existed) is of a network without it.
     *
     * @throws IllegalArgumentException naming the missing or invalid property
     */
    public static NetworkSpec fromProperties(Properties properties) {
        try {
            return new NetworkSpec(Architecture.parse(require(properties, "architecture")), new TunetConfig(
                    Integer.parseInt(require(properties, "inputSize")),
                    Integer.parseInt(require(properties, "baseWidth")),
                    Integer.parseInt(require(properties, "depth")),
                    Float.parseFloat(require(properties, "dropout")),
                    parseBoolean(properties.getProperty("gatedMasks", "false"))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid network description: " + e.getMessage(), e);
        }
    }

    private static boolean parseBoolean(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("invalid network description: gatedMasks is '" + value
                    + "', expected true or false");
        };
    }

    private static String require(Properties properties, String key) {
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("network description lacks '" + key + "'");
        }
        return value;
    }

    /** A new, uninitialised block; the block also implements {@link OnnxNetwork}. */
    public Block newBlock() {
        return switch (architecture) {
            case TUNET -> TunetBlock.of(config);
            case RESNET34 -> ResNet34Block.builder().optWidth(config.baseWidth()).optDropout(config.dropout()).build();
            case INCEPTIONV3 -> InceptionV3Block.of(config.baseWidth(), config.dropout());
            case INCEPTIONRESNETV2 -> InceptionResNetV2Block.of(config.baseWidth(), config.dropout());
        };
    }
}
