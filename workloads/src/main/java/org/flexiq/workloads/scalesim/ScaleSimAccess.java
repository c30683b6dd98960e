package org.flexiq.workloads.scalesim;

/**
 * What SCALE-Sim v2 reports of one layer's memory traffic on a weight-stationary array in CALC mode: the SRAM reads and
 * writes its demand matrices hold and the cycles of the first and last, and what its read buffers fetch from DRAM and
 * its write buffer drains to it, with the cycles of the first and last ({@link ScaleSimMemory}). Cycles are SCALE-Sim's:
 * 0-based demand lines, a read answered one cycle after its line, DRAM prefetches that may start before cycle 0.
 */
public record ScaleSimAccess(long totalCycles, long stallCycles, Operand ifmapSram, Operand filterSram, Operand ofmapSram,
                             Operand ifmapDram, Operand filterDram, Operand ofmapDram) {
    /** One operand's accesses: its first and last cycle and how many elements (words of one byte). */
    public record Operand(long start, long stop, long count) {
        /** SCALE-Sim's average DRAM bandwidth: the count over the cycles from first to last, both included. */
        public double bandwidthOverSpan() {
            return count / (double) (stop - start + 1);
        }
    }

    /** SCALE-Sim v3's "Total Cycles (incl. prefetch)": from the first DRAM read to the last ofmap DRAM write. */
    public long cyclesWithPrefetch() {
        return ofmapDram.stop() - Math.min(ifmapDram.start(), filterDram.start());
    }

    /** SCALE-Sim's average SRAM bandwidth: the count over the layer's Total Cycles. */
    public double sramBandwidth(Operand o) {
        return o.count() / (double) totalCycles;
    }
}
