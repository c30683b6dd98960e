package org.flexiq.gpubackend;

import java.util.ArrayList;
import java.util.List;

/**
 * Modelled latency of the GPU path from a GPU's public specifications (gpu-backend/README.md, "Timing
 * model", states the assumptions): each kernel takes the larger of its compute time and its DRAM time, plus a
 * launch overhead. A mixed GEMM is cut into 128 x 128 output tiles, one per SM at a time (tile quantization:
 * a partial tile or a partial wave costs a whole one); a tile's tensor-core time is its issued int8 MACs (K
 * padded as the MMAs run it) at the int8 rate plus its issued int4 MACs at the int4 rate (the int8 rate,
 * widened, without int4 tensor cores), and its
 * CUDA-core time is one integer multiply-add (acc + fragment x 2^shift) per output element and 4-bit group slice, overlapped
 * with the tensor cores (the kernel shifts one group's fragment while the next one multiplies), then the
 * requantizing epilogue, four operations per output element.
 */
public final class GpuTimingModel {
    static final int TILE = 128;
    /** A group partial sum joins the accumulator in one IMAD: acc + fragment x 2^shift. */
    static final int SHIFT_OPS = 1;
    static final int EPILOGUE_OPS = 4;

    private GpuTimingModel() {
    }

    /** One kernel's modelled time and what bounds it. */
    public record KernelTime(GpuLayer layer, double us, String bound, double tensorUtilization) {
    }

    /** A whole inference. */
    public record Run(GpuSpec gpu, double ratio, int batch, double us, List<KernelTime> kernels) {
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
    }

    public static Run run(GpuSpec gpu, double ratio, int batch, List<GpuLayer> layers) {
        List<KernelTime> out = new ArrayList<>();
        double total = 0;
        for (GpuLayer l : layers) {
            KernelTime k = kernel(gpu, l);
            out.add(k);
            total += k.us();
        }
        return new Run(gpu, ratio, batch, total, out);
    }

    static KernelTime kernel(GpuSpec gpu, GpuLayer l) {
        double clock = gpu.boostClockMHz() * 1e6;
        double memory = l.bytes() / (gpu.memoryBandwidthGBps() * 1e9);
        double compute;
        String computeBound;
        if (l.kind().equals("gemm") || l.kind().equals("matmul")) {
            long tiles = ceil(l.m(), TILE) * ceil(l.n(), TILE);
            long waves = ceil(tiles, gpu.sms());
            double tile = (double) TILE * TILE;
            int rate4 = gpu.hasInt4TensorCores() ? gpu.int4MacsPerClockPerSm() : gpu.int8MacsPerClockPerSm();
            double tensor = tile * l.issuedK8() / gpu.int8MacsPerClockPerSm() + tile * l.issuedK4() / rate4;
            double shift = tile * l.shiftSlices() * SHIFT_OPS / gpu.int32OpsPerClockPerSm();
            double epilogue = tile * EPILOGUE_OPS / gpu.int32OpsPerClockPerSm();
            compute = waves * (Math.max(tensor, shift) + epilogue) / clock;
            computeBound = shift > tensor ? "shift" : "tensor";
        } else {
            compute = l.cudaOps() / ((double) gpu.int32OpsPerClockPerSm() * gpu.sms() * clock);
            computeBound = "cuda";
        }
        double body = Math.max(compute, memory);
        double us = body * 1e6 + gpu.launchOverheadUs();
        String bound = gpu.launchOverheadUs() > body * 1e6 ? "launch" : compute >= memory ? computeBound : "memory";
        double util = peakSeconds(gpu, l.int8Macs(), l.int4Macs()) * 1e6 / us;
        return new KernelTime(l, us, bound, util);
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
