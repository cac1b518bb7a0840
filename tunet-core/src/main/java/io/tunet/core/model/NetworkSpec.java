package io.tunet.core.model;

import ai.djl.nn.Block;
import io.tunet.core.onnx.OnnxNetwork;
import java.util.Locale;
import java.util.Properties;

/**
 * Which network to build and at what size: TUNet from its configuration, or the ResNet34 baseline with
 * the configuration's input size, base width (stem width) and dropout. Training, export and the command
 * line use this one description so that both models go through the same harness.
 *
 * @param architecture TUNet or the ResNet34 baseline
 * @param config sizes (for ResNet34 only input size, base width and dropout are used)
 */
public record NetworkSpec(Architecture architecture, TunetConfig config) {

    /** The networks this project trains and serves. */
    public enum Architecture {
        /** The multi-task U-Net of the paper: probabilities and masks. */
        TUNET,
        /** The classification baseline: probabilities only. */
        RESNET34;

        /**
         * Parses {@code tunet} or {@code resnet34} (case-insensitive).
         *
         * @throws IllegalArgumentException naming the unknown value
         */
        public static Architecture parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "tunet" -> TUNET;
                case "resnet34" -> RESNET34;
                default -> throw new IllegalArgumentException(
                        "unknown architecture '" + name + "', known: tunet, resnet34");
            };
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
    }

    /** A TUNet of the given configuration. */
    public static NetworkSpec tunet(TunetConfig config) {
        return new NetworkSpec(Architecture.TUNET, config);
    }

    /** The ResNet34 baseline at the configuration's input size and width. */
    public static NetworkSpec resnet34(TunetConfig config) {
        return new NetworkSpec(Architecture.RESNET34, config);
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
        return properties;
    }

    /**
     * Reads a spec written by {@link #toProperties()}.
     *
     * @throws IllegalArgumentException naming the missing or invalid property
     */
    public static NetworkSpec fromProperties(Properties properties) {
        try {
            return new NetworkSpec(Architecture.parse(require(properties, "architecture")), new TunetConfig(
                    Integer.parseInt(require(properties, "inputSize")),
                    Integer.parseInt(require(properties, "baseWidth")),
                    Integer.parseInt(require(properties, "depth")),
                    Float.parseFloat(require(properties, "dropout"))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid network description: " + e.getMessage(), e);
        }
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
        };
    }
}
