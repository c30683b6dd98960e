package org.flexiq.workloads.onnx;

import java.util.Arrays;

/**
 * The padding of a windowed node (Conv, MaxPool, AveragePool) before and after each spatial axis, from its
 * {@code pads} or {@code auto_pad}. SAME_UPPER puts an odd total's extra element after the input, SAME_LOWER before it.
 */
record SpatialPads(int[] begin, int[] end) {
    /** Padding wider than this is refused before anything is sized by it (the NPU's window registers hold 8 bits). */
    static final int MAX_PAD = 255;

    static SpatialPads of(OnnxNode n, int[] in, long[] kernel, long[] strides, long[] dil) throws OnnxNode.UnsupportedNodeException {
        int d = in.length;
        int[] begin = new int[d];
        int[] end = new int[d];
        String auto = n.s("auto_pad", "NOTSET");
        switch (auto) {
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < d; i++) {
                    if (strides[i] < 1 || kernel[i] < 1 || dil[i] < 1 || kernel[i] > MAX_PAD || dil[i] > MAX_PAD) {
                        throw n.unsupported("auto_pad " + auto + " with window " + kernel[i] + ", stride " + strides[i] + " and dilation "
                                + dil[i] + " is not supported (each at least 1, window and dilation at most " + MAX_PAD + ")");
                    }
                    long outDim = (in[i] + strides[i] - 1) / strides[i];
                    long wide = Math.max(0, (outDim - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - in[i]);
                    if (wide > 2L * MAX_PAD) {
                        throw n.unsupported("auto_pad " + auto + " pads " + wide + " in all; padding past " + MAX_PAD + " a side is not supported");
                    }
                    int total = (int) wide;
                    int small = total / 2;
                    begin[i] = auto.equals("SAME_UPPER") ? small : total - small;
                    end[i] = total - begin[i];
                }
            }
            case "VALID" -> {
            }
            case "NOTSET" -> {
                long[] p = n.ints("pads");
                if (p != null) {
                    if (p.length != 2 * d) {
                        throw n.unsupported("pads " + Arrays.toString(p) + " has " + p.length + " values; expected " + 2 * d);
                    }
                    for (int i = 0; i < d; i++) {
                        if (p[i] < 0 || p[i + d] < 0) {
                            throw n.unsupported("pads " + Arrays.toString(p) + ": negative padding is not supported");
                        }
                        if (p[i] > MAX_PAD || p[i + d] > MAX_PAD) {
                            throw n.unsupported("pads " + Arrays.toString(p) + ": padding past " + MAX_PAD + " is not supported");
                        }
                        begin[i] = (int) p[i];
                        end[i] = (int) p[i + d];
                    }
                }
            }
            default -> throw n.unsupported("auto_pad " + auto + " is not supported (NOTSET, VALID, SAME_UPPER, SAME_LOWER)");
        }
        return new SpatialPads(begin, end);
    }

    boolean any() {
        return Arrays.stream(begin).anyMatch(p -> p > 0) || Arrays.stream(end).anyMatch(p -> p > 0);
    }
}
