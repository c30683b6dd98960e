package org.flexiq.workloads.onnx;

import java.util.Arrays;

/**
 * The padding of a windowed node (Conv, MaxPool, AveragePool) before and after each spatial axis, from its
 * {@code pads} or {@code auto_pad}. SAME_UPPER puts an odd total's extra element after the input, SAME_LOWER before it.
 */
record SpatialPads(int[] begin, int[] end) {
    static SpatialPads of(OnnxNode n, int[] in, long[] kernel, long[] strides, long[] dil) throws OnnxNode.UnsupportedNodeException {
        int d = in.length;
        int[] begin = new int[d];
        int[] end = new int[d];
        String auto = n.s("auto_pad", "NOTSET");
        switch (auto) {
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < d; i++) {
                    long outDim = (in[i] + strides[i] - 1) / strides[i];
                    int total = (int) Math.max(0, (outDim - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - in[i]);
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
                        begin[i] = (int) p[i];
                        end[i] = (int) p[i + d];
                    }
                }
            }
            default -> throw n.unsupported("auto_pad " + auto + " is not supported (NOTSET, VALID, SAME_UPPER, SAME_LOWER)");
        }
        return new SpatialPads(begin, end);
    }

    boolean symmetric() {
        return Arrays.equals(begin, end);
    }

    boolean any() {
        return Arrays.stream(begin).anyMatch(p -> p > 0) || Arrays.stream(end).anyMatch(p -> p > 0);
    }

    @Override
    public String toString() {
        return Arrays.toString(begin) + " before, " + Arrays.toString(end) + " after";
    }
}
