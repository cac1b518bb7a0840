package io.tunet.core.model;

import ai.djl.nn.Block;
import java.util.List;

/** Shorthands for building the Inception networks, and how their widths follow a base width. */
final class Inception {

    /** The base width at which the Inception networks have their published widths. */
    static final int PUBLISHED_BASE_WIDTH = 64;
    /** Every scaled width is a multiple of this (see {@link #width}). */
    static final int WIDTH_STEP = 16;

    private Inception() {
    }

    /**
     * The width of a layer published with {@code published} channels, for a network of base width
     * {@code baseWidth}: scaled by {@code baseWidth / 64} (64 is ResNet34's and TUNet's paper width, so base 64
     * gives the published network, as {@code ResNet34Block}'s width 64 does) and rounded to the nearest multiple
     * of 16, at least 16. Multiples of 16 keep every convolution away from libtorch's wrong oneDNN kernels (more
     * than 16 input channels, not a multiple of 16: {@code ConvUnit}) and from the channel counts with the
     * backward NaN (8, 24: DESIGN §7); all published widths are multiples of 16 already.
     */
    static int width(int published, int baseWidth) {
        long steps = Math.round((double) published * baseWidth / PUBLISHED_BASE_WIDTH / WIDTH_STEP);
        return (int) Math.max(1, steps) * WIDTH_STEP;
    }

    /** Convolution + batch norm + ReLU with a square kernel, stride 1. */
    static ConvUnit conv(int filters, int kernel) {
        return ConvUnit.builder().setFilters(filters).optKernel(kernel).build();
    }

    /** Convolution + batch norm + ReLU with a {@code height × width} kernel (1×7, 7×1, 1×3, 3×1), stride 1. */
    static ConvUnit conv(int filters, int height, int width) {
        return ConvUnit.builder().setFilters(filters).optKernel(height, width).build();
    }

    /** 3×3 convolution + batch norm + ReLU with stride 2: halves the resolution. */
    static ConvUnit reduce(int filters) {
        return ConvUnit.builder().setFilters(filters).optStride(2).build();
    }

    static Chain chain(Block... links) {
        return new Chain(List.of(links));
    }

    static Branches branches(Block... branches) {
        return new Branches(List.of(branches));
    }
}
