package org.flexiq.compiler.lower;

import org.flexiq.isa.Target;

/**
 * A tiling's cycles, estimated the way the simulator's timing model runs it (simulator/README.md, "Timing model"), for
 * {@link GemmTiling} to choose between tilings that fit: the DMA channel moves {@code bytesPerCycle} per cycle, a fold of
 * M rows costs max(M, R) once its weights are in, and a weight load overlaps the folds before it only where a second weight
 * buffer holds it. The fewest DRAM bytes is not the fastest tiling: a tile that fills the scratchpad with one weight buffer
 * moves fewer bytes than two buffers with smaller activation tiles, but its folds wait for every weight load.
 *
 * <p>The program serves a range of ratios, and a tiling that hides its loads under 8-bit folds may not hide them under the
 * half as many 4-bit ones: the estimate is the mean of the lowest ratio served (8-bit, or the floor's 4-bit channels) and
 * of 100% (every channel of a 4-bit capable layer 4-bit).
 *
 * @param weightBytes the layer's weight bytes, every column tile and tap once
 * @param lowFourBit  leading channels 4-bit at the lowest ratio served (the floor's; 0 for a full program)
 * @param highFourBit leading channels 4-bit at 100% (k for a 4-bit capable layer, else {@code lowFourBit})
 */
record TilingEstimate(Target target, double bytesPerCycle, int k, int n, int taps, long weightBytes, int lowFourBit, int highFourBit) {

    /**
     * @param tileRows       output rows (M) of each row tile, every image's
     * @param tapChunk       kernel taps per weight buffer
     * @param kChunk         input channels per weight buffer (below k: a one-tap product's weights in chunks of channels)
     * @param buffers        weight buffers (2: the next chunk loads while this one computes)
     * @param activationRows activation rows a tile loads
     * @param activationSets activation buffers (2: the next tile's rows load while this one computes)
     * @param resident       weights outer: each column tile's weights load once, the row tiles' activations once per column tile
     */
    double cycles(int[] tileRows, int tapChunk, int kChunk, int buffers, int activationRows, int activationSets, boolean resident) {
        return (cycles(tileRows, tapChunk, kChunk, buffers, activationRows, activationSets, resident, lowFourBit)
                + cycles(tileRows, tapChunk, kChunk, buffers, activationRows, activationSets, resident, highFourBit)) / 2;
    }

    private double cycles(int[] tileRows, int tapChunk, int kChunk, int buffers, int activationRows, int activationSets, boolean resident,
                          int fourBit) {
        int r = target.rows();
        int nt = Math.min(n, target.cols());
        int colTiles = (n + nt - 1) / nt;
        boolean channelChunks = kChunk < k;
        int chunks = channelChunks ? (k + kChunk - 1) / kChunk : (taps + tapChunk - 1) / tapChunk;
        // loop.ws: dual-int4 folds of 2R channels over the 4-bit ones, int8 folds of R over the rest, per tap
        long foldsPerTap = (fourBit + 2L * r - 1) / (2L * r) + (k - fourBit + (long) r - 1) / r;
        double chunkLoad = weightBytes / (double) colTiles / chunks / bytesPerCycle;
        // the first load a chunk's folds wait for: its first tap's, or a channel chunk's whole load (one transfer)
        double tapLoad = channelChunks ? chunkLoad : chunkLoad / Math.min(tapChunk, taps);
        double activationLoad = (double) activationRows * k / bytesPerCycle;
        double activationBytes = (double) activationRows * k * tileRows.length;
        if (resident) {
            // per column tile: its row tiles one after another (activations exposed unless a second set holds the next), its
            // weights loaded under the column tile before (two buffers) or before its folds (one: the first tap's load exposed)
            double rows = 0;
            for (int i = 0; i < tileRows.length; i++) {
                rows += (activationSets == 2 && i > 0 ? 0 : activationLoad) + (double) taps * foldsPerTap * Math.max(tileRows[i], r) + r
                        + target.cols();
            }
            double time = buffers == 2 ? chunkLoad + colTiles * Math.max(rows, chunkLoad)
                    : colTiles * (tapLoad + Math.max(rows, chunkLoad - tapLoad));
            return Math.max(time, (weightBytes + colTiles * activationBytes) / bytesPerCycle);
        }
        double time = 0;
        for (int i = 0; i < tileRows.length; i++) {
            int m = tileRows[i];
            double chunkCompute = (channelChunks ? 1.0 / chunks : Math.min(tapChunk, taps)) * foldsPerTap * Math.max(m, r);
            // two buffers: the chunk's weights loaded under the chunk before; one: its first tap's load is exposed, the later
            // taps' land under the first taps' folds
            double chunk = buffers == 2 ? Math.max(chunkCompute, chunkLoad) : tapLoad + Math.max(chunkCompute, chunkLoad - tapLoad);
            time += (activationSets == 2 && i > 0 ? 0 : activationLoad) + colTiles * (chunks * chunk + r + target.cols());
        }
        // the channel's bound: every byte moved once per row tile
        return Math.max(time, tileRows.length * (weightBytes + (double) activationRows * k) / bytesPerCycle);
    }
}
