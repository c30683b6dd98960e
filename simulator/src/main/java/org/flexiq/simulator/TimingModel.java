package org.flexiq.simulator;

/**
 * How long each unit takes, from an NPU config: the cycle formulas of isa/README.md. Every engine uses
 * these, so their counts can only differ in how they schedule, never in what a step costs.
 */
final class TimingModel {
    final int rows;
    final int cols;
    final int lanes;
    final boolean doubleBuffered;
    /** Whether the PEs have the second int4 lane (plain int8 PEs have no 4-bit mode). */
    final boolean int4Lanes;
    final String machine;
    private final boolean ideal;
    private final double bytesPerCycle;
    private final int latency;

    TimingModel(NpuConfig c) {
        this.rows = c.arrayRows();
        this.cols = c.arrayCols();
        this.lanes = c.vectorLanes();
        this.doubleBuffered = c.weightDoubleBuffering();
        this.int4Lanes = c.pe() == org.flexiq.simulator.energy.PeType.DUAL_INT4;
        this.machine = c.name();
        this.ideal = c.idealMemory();
        this.bytesPerCycle = c.dramBandwidthGBps() * 1000.0 / c.clockMHz();
        this.latency = c.dramLatencyCycles();
    }

    private long transfer(long bytes) {
        // the epsilon keeps an exact multiple from rounding up through floating-point error
        return (long) Math.ceil(bytes / bytesPerCycle - 1e-9);
    }

    /** DRAM latency in cycles: overlapped between requests, paid once by each transfer's completion. */
    long latency() {
        return ideal ? 0 : latency;
    }

    /**
     * Cycles a DMA of rows x cols bytes occupies the DRAM channel, by the DRAM side's strides: one burst when
     * the rows are contiguous, a burst per row otherwise, one element per cycle when elements are strided.
     */
    long dmaOccupancy(long rows, long cols, long dstride, long estride) {
        if (ideal || rows == 0 || cols == 0) {
            return 0;
        }
        if (estride > 1 && cols > 1) {
            return rows * cols;
        }
        if (rows == 1 || dstride == cols) {
            return transfer(rows * cols);
        }
        return rows * transfer(cols);
    }

    /**
     * Cycles a transposing DMA (mvin.t) of rows x cols bytes occupies its path: the DRAM side's bursts as {@link #dmaOccupancy}'s
     * for contiguous elements, or, when more, the transposer's intake of R bytes of a row per cycle, then its last block's
     * drain, a scratchpad row per cycle.
     */
    long transposedDmaOccupancy(long rows, long cols, long dstride) {
        if (ideal || rows == 0 || cols == 0) {
            return 0;
        }
        long intake = rows * ((cols + this.rows - 1) / this.rows);
        return Math.max(dmaOccupancy(rows, cols, dstride, 1), intake) + Math.min(cols, this.rows);
    }

    /** Bias rows into the accumulator: one DRAM read (broadcast) or one per row, then a row written per cycle. */
    long dmaAccumulatorOccupancy(long rows, long cols, boolean broadcast) {
        return ideal ? 0 : transfer(4 * cols * (broadcast ? 1 : rows)) + rows;
    }

    /** Embedding rows: a burst each. */
    long dmaGatherOccupancy(long rows, long cols) {
        return ideal ? 0 : rows * transfer(cols);
    }

    /** Weights shift into the shadow registers one PE row per cycle (two 4-bit weights per PE in int4 mode). */
    long preload() {
        return rows;
    }

    /** From the first activation row entering to the last partial sum leaving: M + R + C - 2. */
    long compute(long m) {
        return m + rows + cols - 2;
    }

    /** rows x ceil(cols / V): the vector unit takes V int8 elements per cycle. */
    long vector(long rows, long cols) {
        return rows * ((cols + lanes - 1) / lanes);
    }
}
