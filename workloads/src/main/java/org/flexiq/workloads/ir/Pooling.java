package org.flexiq.workloads.ir;

import static org.flexiq.workloads.ir.Layer.require;

/** Output geometry shared by the windowed pooling kinds. */
final class Pooling {
    private Pooling() {
    }

    static void check(String kind, int kernel, int stride, int pad) {
        require(kernel >= 1, kind + ".kernel must be >= 1, got " + kernel);
        require(stride >= 1, kind + ".stride must be >= 1, got " + stride);
        require(pad >= 0 && pad < kernel, kind + ".pad must be in [0, kernel), got " + pad);
    }

    static Shape outputShape(String kind, Shape in, int kernel, int stride, int pad) {
        require(in.rank() == 3, kind + " expects a [C, H, W] input, got " + in);
        int h = Math.floorDiv(in.dim(1) + 2 * pad - kernel, stride) + 1;
        int w = Math.floorDiv(in.dim(2) + 2 * pad - kernel, stride) + 1;
        require(h >= 1 && w >= 1, kind + " window " + kernel + " does not fit input " + in);
        return Shape.of(in.dim(0), h, w);
    }
}
