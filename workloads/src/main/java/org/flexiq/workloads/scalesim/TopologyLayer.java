package org.flexiq.workloads.scalesim;

/**
 * One layer of a SCALE-Sim topology as SCALE-Sim v2 holds it: a convolution without padding (a GEMM row
 * {@code M, N, K} is the convolution of an M x K map with a 1 x K filter of one channel, N filters, stride 1,
 * as SCALE-Sim's own loader turns it).
 */
public record TopologyLayer(String name, int ifmapH, int ifmapW, int filterH, int filterW, int channels, int filters, int strideH,
                            int strideW) {
    /** Output rows as SCALE-Sim computes them: no padding, ceil((H - FH + S) / S). */
    public int ofmapH() {
        return ceilDiv((long) ifmapH - filterH + strideH, strideH);
    }

    public int ofmapW() {
        return ceilDiv((long) ifmapW - filterW + strideW, strideW);
    }

    /** Rows streamed through the array: the output pixels. */
    public int m() {
        return ofmapH() * ofmapW();
    }

    /** The reduction on the array's rows: FH FW C. */
    public int k() {
        return filterH * filterW * channels;
    }

    /** The array's columns: the filters. */
    public int n() {
        return filters;
    }

    public long macs() {
        return (long) m() * k() * n();
    }

    /** In long arithmetic: H - FH + S may pass an int for a stride near its top. */
    private static int ceilDiv(long a, long b) {
        return (int) Math.floorDiv(a + b - 1, b);
    }
}
