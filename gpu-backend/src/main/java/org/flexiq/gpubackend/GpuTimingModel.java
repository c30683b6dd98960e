package org.flexiq.gpubackend;

import java.util.ArrayList;
import java.util.List;

/**
 * Modelled latency of the GPU path (gpu-backend/README.md, "Timing model", states the assumptions and the measurements
 * behind them). Every kernel of the plan is priced, and an inference takes the larger of the kernels' sum and the host's
 * time to launch them one by one:
 * <ul>
 *   <li>tensor-core GEMMs (weights, and the attention products) by one of two {@link GemmKernel}s: the kernel we ship,
 *       {@code flexiq_gemm}, from its tile model fitted to its measurements ({@link FlexiqGemmTiming}); or an ideal
 *       tuned kernel, a roofline of 128 x 128 tiles at the tensor rates, whose CUDA cores shift each group slice in one
 *       IMAD per output element, overlapped with the tensor cores, then requantize in 4 operations; or cuBLASLt's int8
 *       GEMM with every channel 8-bit, the baseline ({@link CublasLtTiming}, fitted to measured and published times); or the
 *       paper's own pipeline, the ideal kernel's model with two constants fitted to its measured latencies
 *       ({@link PaperPipelineTiming});</li>
 *   <li>every other layer by its DRAM bytes at the measured bandwidth efficiency, or its integer operations at 64 lanes
 *       per SM, whichever is longer, plus a small kernel's measured fixed cost ({@link StreamKernelTiming}); so are the
 *       shipped path's extraction and im2col kernels, which the roofline kernel fuses and the int8 baseline does not need
 *       (its convolutions taken as implicit GEMMs);</li>
 *   <li>each GEMM at least its own DRAM bytes.</li>
 * </ul>
 */
public final class GpuTimingModel {
    static final int TILE = 128;
    /** A group partial sum joins the accumulator in one IMAD: acc + fragment x 2^shift. */
    static final int SHIFT_OPS = 1;
    static final int EPILOGUE_OPS = 4;

    /** Which GEMM kernel the model prices. */
    public enum GemmKernel {
        /** flexiq_gemm as shipped: its tile model, fitted to its measurements. */
        SHIPPED,
        /** An ideal tuned kernel: 128 x 128 tiles at the tensor rates, shifts overlapped. */
        ROOFLINE,
        /** cuBLASLt's int8 GEMM, every channel 8-bit whatever the ratio: the baseline. */
        CUBLASLT,
        /** The paper's own pipeline: the ideal kernel's model with two constants fitted to its measured latencies ({@link PaperPipelineTiming}). */
        PAPER;

        public static GemmKernel parse(String s) {
            return switch (s) {
                case "shipped" -> SHIPPED;
                case "roofline" -> ROOFLINE;
                case "cublaslt" -> CUBLASLT;
                case "paper" -> PAPER;
                default -> throw new IllegalArgumentException("unknown GEMM kernel '" + s + "'; expected shipped, roofline, cublaslt or paper");
            };
        }
    }

    private GpuTimingModel() {
    }

    /** One kernel's modelled time and what bounds it. */
    public record KernelTime(GpuLayer layer, double us, String bound, double tensorUtilization) {
    }

    /**
     * A whole inference.
     *
     * @param us     max(gpuUs, hostUs)
     * @param gpuUs  the kernels' modelled times, summed
     * @param hostUs the host launching them one by one
     */
    public record Run(GpuSpec gpu, double ratio, int batch, GemmKernel gemm, double us, double gpuUs, double hostUs, List<KernelTime> kernels) {
        public long int8Macs() {
            return kernels.stream().mapToLong(k -> k.layer().int8Macs()).sum();
        }

        public long int4Macs() {
            return kernels.stream().mapToLong(k -> k.layer().int4Macs()).sum();
        }

        /** Time the tensor cores would need at peak for all the MACs, over the modelled time. */
        public double tensorUtilization() {
            return peakSeconds(gpu, int8Macs(), int4Macs()) * 1e6 / us;
        }

        public boolean hostBound() {
            return hostUs > gpuUs;
        }
    }

    /** The shipped kernel's model. */
    public static Run run(GpuSpec gpu, double ratio, int batch, List<GpuLayer> layers) {
        return run(gpu, ratio, batch, layers, GemmKernel.SHIPPED);
    }

    public static Run run(GpuSpec gpu, double ratio, int batch, List<GpuLayer> layers, GemmKernel gemm) {
        List<KernelTime> out = new ArrayList<>();
        double total = 0;
        for (GpuLayer l : layers) {
            if (gemm != GemmKernel.SHIPPED && GpuPlan.activationKernel(l)) {
                continue; // fused into the producer's epilogue by an ideal kernel; int8 activations need no extraction
            }
            KernelTime k = kernel(gpu, l, gemm);
            out.add(k);
            total += k.us();
        }
        double host = out.size() * StreamKernelTiming.H200.hostLaunchUs(); // the kernels launched: a fused one is not
        return new Run(gpu, ratio, batch, gemm, Math.max(total, host), total, host, out);
    }

    static KernelTime kernel(GpuSpec gpu, GpuLayer l, GemmKernel gemm) {
        if (gemm == GemmKernel.PAPER) {
            KernelTime ideal = kernel(gpu, l, GemmKernel.ROOFLINE);
            double factor = PaperPipelineTiming.FITTED.factor(l);
            return new KernelTime(l, ideal.us() * factor, ideal.bound(), ideal.tensorUtilization() / factor);
        }
        StreamKernelTiming stream = StreamKernelTiming.H200;
        double memory = stream.memoryUs(gpu, l.bytes());
        double us;
        String bound;
        if (gemm == GemmKernel.CUBLASLT && (l.kind().equals("gemm") || l.kind().equals("matmul"))) {
            long k = l.k8() + l.k4();
            GpuLayer int8 = new GpuLayer(l.name(), l.kind(), l.m(), l.n(), k, 0, k, 0, 0, CublasLtTiming.bytes(l.m(), l.n(), k), 0);
            CublasLtTiming cublas = CublasLtTiming.forGpu(gpu);
            double t = cublas.us(gpu, l.m(), l.n(), k);
            return new KernelTime(int8, t, CublasLtTiming.memoryUs(gpu, l.m(), l.n(), k) > cublas.computeUs(gpu, l.m(), l.n(), k) ? "memory" : "tensor",
                    peakSeconds(gpu, int8.int8Macs(), 0) * 1e6 / t);
        }
        if (l.kind().equals("gemm") || l.kind().equals("matmul")) {
            double compute;
            if (gemm == GemmKernel.SHIPPED) {
                compute = FlexiqGemmTiming.H200.us(gpu, l);
                bound = FlexiqGemmTiming.H200.waitBound(gpu, l) ? "chunk waits" : "mma steps";
            } else {
                compute = roofline(gpu, l) + stream.fixedUs();
                bound = rooflineShiftBound(gpu, l) ? "shift" : "tensor";
            }
            us = Math.max(compute, memory);
            bound = memory > compute ? "memory" : bound;
        } else {
            double compute = l.cudaOps() / ((double) gpu.int32OpsPerClockPerSm() * gpu.sms() * gpu.boostClockMHz());
            us = Math.max(compute, memory) + stream.fixedUs();
            bound = stream.fixedUs() > Math.max(compute, memory) ? "launch" : compute >= memory ? "cuda" : "memory";
        }
        return new KernelTime(l, us, bound, peakSeconds(gpu, l.int8Macs(), l.int4Macs()) * 1e6 / us);
    }

    /** The ideal kernel's compute time in microseconds: 128 x 128 tiles in waves over the SMs (a partial tile or wave costs a whole one). */
    static double roofline(GpuSpec gpu, GpuLayer l) {
        long tiles = ceil(l.m(), TILE) * ceil(l.n(), TILE);
        long waves = ceil(tiles, gpu.sms());
        double tile = (double) TILE * TILE;
        double[] parts = rooflineParts(gpu, l);
        return waves * (Math.max(parts[0], parts[1]) + tile * EPILOGUE_OPS / gpu.int32OpsPerClockPerSm()) / gpu.boostClockMHz();
    }

    private static boolean rooflineShiftBound(GpuSpec gpu, GpuLayer l) {
        double[] parts = rooflineParts(gpu, l);
        return parts[1] > parts[0];
    }

    /** One 128 x 128 tile's tensor-core cycles and CUDA-core shift cycles. */
    private static double[] rooflineParts(GpuSpec gpu, GpuLayer l) {
        double tile = (double) TILE * TILE;
        int rate4 = gpu.hasInt4TensorCores() ? gpu.int4MacsPerClockPerSm() : gpu.int8MacsPerClockPerSm();
        double tensor = tile * l.issuedK8() / gpu.int8MacsPerClockPerSm() + tile * l.issuedK4() / rate4;
        double shift = tile * l.shiftSlices() * SHIFT_OPS / gpu.int32OpsPerClockPerSm();
        return new double[]{tensor, shift};
    }

    /** Seconds the tensor cores need at peak for these MACs (int4 at the int8 rate when widened). */
    static double peakSeconds(GpuSpec gpu, long int8Macs, long int4Macs) {
        double perSecond = gpu.sms() * gpu.boostClockMHz() * 1e6;
        int rate4 = gpu.hasInt4TensorCores() ? gpu.int4MacsPerClockPerSm() : gpu.int8MacsPerClockPerSm();
        return int8Macs / (gpu.int8MacsPerClockPerSm() * perSecond) + int4Macs / (rate4 * perSecond);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
