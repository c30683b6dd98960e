package org.flexiq.compiler.lower;

/** A window over an H x W input giving OH x OW outputs: convolution, pooling. */
record ConvGeometry(int h, int w, int oh, int ow, int kh, int kw, int sh, int sw, int padh, int padw, int dil) {
    /** The first input row any of output rows [oy0, ...) reads (clipped to the image). */
    int firstInputRow(int oy0) {
        return Math.max(0, oy0 * sh - padh);
    }

    /** One past the last input row output rows [..., oy1) read (clipped to the image). */
    int endInputRow(int oy1) {
        return Math.min(h, (oy1 - 1) * sh - padh + (kh - 1) * dil + 1);
    }

    int taps() {
        return kh * kw;
    }
}
