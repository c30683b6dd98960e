package org.flexiq.gpubackend;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

import java.util.List;

/**
 * The time of {@code flexiq_gemm} as shipped, a tile-level model fitted to the kernel's own measurements
 * (gpu-backend/README.md, "Measured", gives the data and the errors). Each block stages a k-chunk of its 64 activation
 * and 64 weight rows (up to 128 bytes: 128 int8 values or 256 codes, and for 4-bit chunks the shifts of the slices they
 * touch), waits at a barrier, then runs k-steps of 8 MMAs per warp (32 int8 values, or 32 or 64 codes), and adds each
 * group slice's fresh fragment into the accumulator, shifted, when the slice ends. Waiting is latency: it costs a block
 * the same whoever shares its SM. Steps and slice additions are work on the SM's shared pipes: they cost a block in
 * proportion to the blocks resident beside it (measured: a wave of one block per SM 19 us, of four 29 us). Hence, in
 * cycles, over the waves w of ceil(64 x 64 tiles / (SMs x blocks per SM)), each with r(w) blocks per SM:
 * <pre>
 *   time = sum over w of [ int8 chunks x w8 + 4-bit chunks x w4 + c  +  r(w) x (int8 steps x s8 + 4-bit steps x s4 + slices x cs) ] / clock
 * </pre>
 * with blocks per SM from the kernel's registers and shared memory (every wave full but the last). s4 is the widened step
 * (32 codes sign-extended to int8, one {@code .s8} MMA per tile) where the GPU has no int4 tensor cores; with int4 MMAs a
 * step carries 64 codes
 * ({@code m16n8k64.s4}; {@code k32} for a slice's last 32) with the same register traffic and MMA count as an int8 step,
 * so it is priced at s8: an assumption, since no int4-capable GPU has been measured. The cycle costs are fitted on one
 * GPU and carried to others in cycles.
 *
 * @param trainingError mean relative error of the fit on its own measurements
 */
public record FlexiqGemmTiming(double int8ChunkCycles, double int8StepCycles, double fourBitChunkCycles, double widenedStepCycles,
                               double sliceCycles, double waveCycles, String fittedOn, double trainingError) {
    /** The kernel's output tile (flexiq_gemm.cu: FLEXIQ_BM x FLEXIQ_BN) and threads per block. */
    static final int TILE = 64;
    static final int THREADS = 128;
    static final int REGISTERS_PER_SM = 65536;
    /** Registers are allocated per warp in units of 256. */
    static final int REGISTER_UNIT = 256;
    /** The kernel's static shared memory (ptxas -v; CudaSourceTest checks it), and what the driver reserves per block (sm_80 on). */
    static final int SHARED_BYTES = 19584;
    static final int SHARED_RESERVED = 1024;

    /** Fitted on the synthetic shapes measured on the lent H200 (tools/gemm_fit.shapes). */
    public static final FlexiqGemmTiming H200 = fit(GemmMeasurement.resource("h200-gemm-synthetic.csv"), GpuSpec.named("h200"));

    /** Blocks of the kernel resident on one SM, as its registers and shared memory allow. */
    public static int blocksPerSm(GpuSpec gpu) {
        int perWarp = (gpu.kernelRegisters() * 32 + REGISTER_UNIT - 1) / REGISTER_UNIT * REGISTER_UNIT;
        int byRegisters = REGISTERS_PER_SM / (perWarp * (THREADS / 32));
        int reserved = gpu.arch().compareTo("sm_80") >= 0 ? SHARED_RESERVED : 0;
        int byShared = gpu.sharedKiBPerSm() * 1024 / (SHARED_BYTES + reserved);
        return Math.max(1, Math.min(byRegisters, byShared));
    }

    public static long waves(GpuSpec gpu, GpuLayer l) {
        return ceil(tiles(l), (long) gpu.sms() * blocksPerSm(gpu));
    }

    /** The resident blocks per SM summed over the waves: full waves hold blocksPerSm, the last what is left, spread. */
    static long residentSum(GpuSpec gpu, GpuLayer l) {
        long w = waves(gpu, l);
        int bps = blocksPerSm(gpu);
        long last = tiles(l) - (w - 1) * gpu.sms() * bps;
        return (w - 1) * bps + ceil(last, gpu.sms());
    }

    private static long tiles(GpuLayer l) {
        return ceil(l.m(), TILE) * ceil(l.n(), TILE);
    }

    /** Bytes of one int8 chunk, codes of one 4-bit chunk (flexiq_gemm.cu: FLEXIQ_BK). */
    static final int CHUNK_BYTES = 128;
    static final int CHUNK_CODES = 256;

    /**
     * The counts the time is linear in, summed over the waves: int8 chunks, int8 steps, 4-bit chunks, 4-bit steps, slices, and
     * the fixed part; waits and the fixed part once per wave, steps and slices once per wave and resident block.
     */
    static double[] counts(GpuSpec gpu, GpuLayer l) {
        double[] perBlock = perBlock(gpu, l);
        double w = waves(gpu, l);
        double r = residentSum(gpu, l);
        return new double[]{w * perBlock[0], r * perBlock[1], w * perBlock[2], r * perBlock[3], r * perBlock[4], w};
    }

    /**
     * One block's counts: int8 chunks and steps, 4-bit chunks and steps, slices. 4-bit steps are 32 codes widened; with int4
     * MMAs 64 while a slice and its chunk have 64 codes left, else 32.
     */
    static double[] perBlock(GpuSpec gpu, GpuLayer l) {
        long k8 = l.issuedK8();
        long k4 = l.issuedK4();
        long slices = l.shiftSlices();
        double steps4 = 0;
        if (k4 > 0) {
            long slice = k4 / slices;
            steps4 = gpu.hasInt4TensorCores() ? int4Steps(k4, slice) : k4 / 32.0;
        }
        return new double[]{ceil(k8, CHUNK_BYTES), k8 / 32.0, ceil(k4, CHUNK_CODES), steps4, slices};
    }

    /** The kernel's walk over the 4-bit codes with int4 MMAs: a 64-code step where both the slice and the chunk have 64 left. */
    static long int4Steps(long k4, long slice) {
        long steps = 0;
        for (long k = 0; k < k4; k += CHUNK_CODES) {
            long cc = Math.min(CHUNK_CODES, k4 - k);
            for (long j = 0; j < cc; ) {
                long left = slice - (k + j) % slice;
                j += left >= 64 && cc - j >= 64 ? 64 : 32;
                steps++;
            }
        }
        return steps;
    }

    private double[] costs(GpuSpec gpu) {
        return new double[]{int8ChunkCycles, int8StepCycles, fourBitChunkCycles, gpu.hasInt4TensorCores() ? int8StepCycles : widenedStepCycles,
                sliceCycles, waveCycles};
    }

    /** Modelled microseconds of one launch. */
    public double us(GpuSpec gpu, GpuLayer l) {
        double[] n = counts(gpu, l);
        double[] c = costs(gpu);
        double cycles = 0;
        for (int i = 0; i < n.length; i++) {
            cycles += n[i] * c[i];
        }
        return cycles / gpu.boostClockMHz();
    }

    /** Whether waiting for staged chunks outweighs the MMA steps and slice additions in this layer's time. */
    boolean waitBound(GpuSpec gpu, GpuLayer l) {
        double[] n = counts(gpu, l);
        double[] c = costs(gpu);
        return n[0] * c[0] + n[2] * c[2] > n[1] * c[1] + n[3] * c[3] + n[4] * c[4];
    }

    /** Least squares (no intercept) of the measured times, in cycles of {@code on}'s clock, on the six counts. */
    public static FlexiqGemmTiming fit(List<GemmMeasurement> data, GpuSpec on) {
        if (on.hasInt4TensorCores()) {
            throw new IllegalArgumentException("the fit separates the widened step cost; " + on.id() + " has int4 tensor cores");
        }
        double[][] x = new double[data.size()][];
        double[] y = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            GemmMeasurement d = data.get(i);
            x[i] = counts(on, d.layer());
            y[i] = d.flexiqUs() * on.boostClockMHz();
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.setNoIntercept(true);
        ols.newSampleData(y, x);
        double[] b = ols.estimateRegressionParameters();
        FlexiqGemmTiming t = new FlexiqGemmTiming(b[0], b[1], b[2], b[3], b[4], b[5], on.id(), 0);
        return new FlexiqGemmTiming(b[0], b[1], b[2], b[3], b[4], b[5], on.id(), t.meanRelativeError(on, data));
    }

    /** Mean of |modelled - measured| / measured over the rows. */
    public double meanRelativeError(GpuSpec gpu, List<GemmMeasurement> data) {
        return data.stream().mapToDouble(d -> Math.abs(us(gpu, d.layer()) - d.flexiqUs()) / d.flexiqUs()).average().orElse(Double.NaN);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
