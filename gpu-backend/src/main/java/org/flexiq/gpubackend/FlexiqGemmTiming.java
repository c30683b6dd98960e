package org.flexiq.gpubackend;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

import java.util.List;

/**
 * The time of {@code flexiq_gemm} as shipped, a tile-level model fitted to the kernel's own measurements
 * (gpu-backend/README.md, "Measured", gives the data and the errors). The kernel is latency-bound: each block stages a
 * 32-byte k-chunk of its 64 activation and 64 weight rows, waits at a barrier, runs 8 MMAs per warp and waits again, so a
 * chunk costs about the same whatever the SM's other blocks do (one block per SM measured within 15% of three). Hence:
 * <pre>
 *   time = waves x (int8 chunks x c8 + 4-bit chunks x c4 + slices x cs + w) / clock
 *   waves = ceil(64 x 64 tiles / (SMs x blocks per SM)),  blocks per SM from the kernel's registers (ptxas)
 * </pre>
 * c4 is the widened chunk (32 codes sign-extended to int8, one {@code .s8} MMA per tile) where the GPU has no int4 tensor
 * cores; with int4 MMAs a chunk carries 64 codes ({@code m16n8k64.s4}, or {@code k32} for a slice's last 32) through the same
 * staging, barriers and 8 MMAs as an int8 chunk, so it is priced at c8: an assumption, since no int4-capable GPU has been
 * measured. cs is the per-slice step that adds the fresh fragment shifted into the accumulator (its shifts read from global
 * memory), w the per-wave prologue and epilogue. The cycle costs are fitted on one GPU and carried to others in cycles.
 *
 * @param trainingError mean relative error of the fit on its own measurements
 */
public record FlexiqGemmTiming(double int8ChunkCycles, double widenedChunkCycles, double sliceCycles, double waveCycles, String fittedOn,
                               double trainingError) {
    /** The kernel's output tile (flexiq_gemm.cu: FLEXIQ_BM x FLEXIQ_BN) and threads per block. */
    static final int TILE = 64;
    static final int THREADS = 128;
    static final int REGISTERS_PER_SM = 65536;
    /** Registers are allocated per warp in units of 256. */
    static final int REGISTER_UNIT = 256;

    /** Fitted on the synthetic shapes measured on the lent H200 (tools/gemm_fit.shapes). */
    public static final FlexiqGemmTiming H200 = fit(GemmMeasurement.resource("h200-gemm-synthetic.csv"), GpuSpec.named("h200"));

    /** Blocks of the kernel resident on one SM: its registers limit it (168 to 174 per thread: two or three blocks). */
    public static int blocksPerSm(GpuSpec gpu) {
        int perWarp = (gpu.kernelRegisters() * 32 + REGISTER_UNIT - 1) / REGISTER_UNIT * REGISTER_UNIT;
        return Math.max(1, REGISTERS_PER_SM / (perWarp * (THREADS / 32)));
    }

    public static long waves(GpuSpec gpu, GpuLayer l) {
        long tiles = ceil(l.m(), TILE) * ceil(l.n(), TILE);
        return ceil(tiles, (long) gpu.sms() * blocksPerSm(gpu));
    }

    /** The staged k-chunks of a layer's 4-bit part: 32 codes each widened, else up to 64 per chunk within a slice. */
    static long fourBitChunks(GpuSpec gpu, GpuLayer l) {
        if (l.shiftSlices() == 0) {
            return 0;
        }
        long slice = l.issuedK4() / l.shiftSlices();
        long perSlice = gpu.hasInt4TensorCores() ? slice / 64 + (slice % 64 == 0 ? 0 : 1) : slice / 32;
        return perSlice * l.shiftSlices();
    }

    /** The terms of one block's time, in cycles: chunks (int8 and 4-bit), slice steps, the wave's fixed part. */
    double[] terms(GpuSpec gpu, GpuLayer l) {
        double c4 = gpu.hasInt4TensorCores() ? int8ChunkCycles : widenedChunkCycles;
        return new double[]{l.issuedK8() / 32.0 * int8ChunkCycles + fourBitChunks(gpu, l) * c4, l.shiftSlices() * sliceCycles, waveCycles};
    }

    /** Modelled microseconds of one launch. */
    public double us(GpuSpec gpu, GpuLayer l) {
        double[] t = terms(gpu, l);
        return waves(gpu, l) * (t[0] + t[1] + t[2]) / gpu.boostClockMHz();
    }

    /** Whether the slice steps outweigh the chunks in this layer's time. */
    boolean shiftBound(GpuSpec gpu, GpuLayer l) {
        double[] t = terms(gpu, l);
        return t[1] > t[0];
    }

    /** Least squares (no intercept) of the measured times, in cycles of {@code on}'s clock, on the four terms. */
    public static FlexiqGemmTiming fit(List<GemmMeasurement> data, GpuSpec on) {
        if (on.hasInt4TensorCores()) {
            throw new IllegalArgumentException("the fit separates the widened chunk cost; " + on.id() + " has int4 tensor cores");
        }
        double[][] x = new double[data.size()][];
        double[] y = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            GemmMeasurement d = data.get(i);
            GpuLayer l = d.layer();
            long w = waves(on, l);
            x[i] = new double[]{w * l.issuedK8() / 32.0, w * (double) fourBitChunks(on, l), w * (double) l.shiftSlices(), w};
            y[i] = d.flexiqUs() * on.boostClockMHz();
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.setNoIntercept(true);
        ols.newSampleData(y, x);
        double[] b = ols.estimateRegressionParameters();
        FlexiqGemmTiming t = new FlexiqGemmTiming(b[0], b[1], b[2], b[3], on.id(), 0);
        return new FlexiqGemmTiming(b[0], b[1], b[2], b[3], on.id(), t.meanRelativeError(on, data));
    }

    /** Mean of |modelled - measured| / measured over the rows. */
    public double meanRelativeError(GpuSpec gpu, List<GemmMeasurement> data) {
        return data.stream().mapToDouble(d -> Math.abs(us(gpu, d.layer()) - d.flexiqUs()) / d.flexiqUs()).average().orElse(Double.NaN);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
