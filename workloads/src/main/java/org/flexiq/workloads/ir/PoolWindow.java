package org.flexiq.workloads.ir;

import java.util.Map;
import java.util.Set;

import static org.flexiq.workloads.ir.Layer.require;

/**
 * The window of a pooling layer over a [C, H, W] input: its size, stride and dilation per axis and the padding on each
 * side. Padding may differ between the sides (ONNX's SAME_UPPER / SAME_LOWER, or ceil-mode rounding, which is extra
 * padding after the input); padded positions never win a max and are not counted in a mean.
 */
public record PoolWindow(int kernelH, int kernelW, int strideH, int strideW, int dilation,
                         int padTop, int padLeft, int padBottom, int padRight) {
    public PoolWindow {
        require(kernelH >= 1 && kernelW >= 1, "pool kernel must be >= 1, got " + kernelH + "x" + kernelW);
        require(strideH >= 1 && strideW >= 1, "pool stride must be >= 1, got " + strideH + "x" + strideW);
        require(dilation >= 1, "pool dilation must be >= 1, got " + dilation);
        // a window inside padding only would have nothing to take the max or mean of
        require(padTop >= 0 && padBottom >= 0 && padTop < span(kernelH, dilation) && padBottom < span(kernelH, dilation),
                "pool padding along H must be in [0, " + span(kernelH, dilation) + "), got " + padTop + " / " + padBottom);
        require(padLeft >= 0 && padRight >= 0 && padLeft < span(kernelW, dilation) && padRight < span(kernelW, dilation),
                "pool padding along W must be in [0, " + span(kernelW, dilation) + "), got " + padLeft + " / " + padRight);
    }

    /** A square window with equal stride and padding on every side and no dilation. */
    public static PoolWindow square(int kernel, int stride, int pad) {
        return new PoolWindow(kernel, kernel, stride, stride, 1, pad, pad, pad, pad);
    }

    /**
     * A pooling layer's fields as a .flx header holds them: {@code window} (this record's fields), or, in files written
     * before pooling windows could be rectangular or padded unevenly (2026-11-30), {@code kernel}, {@code stride} and
     * {@code pad} of a square window.
     */
    static PoolWindow fromHeader(String kind, Map<String, Object> fields) {
        require(fields != null, kind + " needs its window");
        if (fields.keySet().equals(Set.of("kernel", "stride", "pad"))) {
            return square(number(kind, "kernel", fields.get("kernel")), number(kind, "stride", fields.get("stride")),
                    number(kind, "pad", fields.get("pad")));
        }
        require(fields.keySet().equals(Set.of("window")) && fields.get("window") instanceof Map<?, ?>,
                kind + " expects the field window (or, as older files wrote, kernel, stride and pad), got " + fields.keySet());
        Map<?, ?> w = (Map<?, ?>) fields.get("window");
        String[] names = {"kernelH", "kernelW", "strideH", "strideW", "dilation", "padTop", "padLeft", "padBottom", "padRight"};
        require(w.keySet().equals(Set.of((Object[]) names)), kind + ".window expects the fields " + String.join(", ", names)
                + ", got " + w.keySet());
        int[] v = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            v[i] = number(kind, "window." + names[i], w.get(names[i]));
        }
        return new PoolWindow(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    private static int number(String kind, String field, Object value) {
        require(value instanceof Integer, kind + "." + field + " expects an integer, got " + value);
        return (Integer) value;
    }

    /** The input extent one window covers along H. */
    public int spanH() {
        return span(kernelH, dilation);
    }

    /** The input extent one window covers along W. */
    public int spanW() {
        return span(kernelW, dilation);
    }

    Shape outputShape(String kind, Shape in) {
        require(in.rank() == 3, kind + " expects a [C, H, W] input, got " + in);
        int h = Math.floorDiv(in.dim(1) + padTop + padBottom - spanH(), strideH) + 1;
        int w = Math.floorDiv(in.dim(2) + padLeft + padRight - spanW(), strideW) + 1;
        require(h >= 1 && w >= 1, kind + " window " + kernelH + "x" + kernelW + " does not fit input " + in);
        return Shape.of(in.dim(0), h, w);
    }

    private static int span(int kernel, int dilation) {
        return (kernel - 1) * dilation + 1;
    }
}
