package org.flexiq.gpubackend;

import java.util.List;
import java.util.Locale;

/**
 * A GPU as the timing model sees it, from its public specifications (gpu-backend/README.md lists the
 * sources). Tensor rates are dense (no structured sparsity) multiply-accumulates per clock per SM.
 *
 * @param int4MacsPerClockPerSm 0 when the architecture has no int4 tensor cores (Hopper): 4-bit groups are
 *                              then widened to int8 and run at the int8 rate
 * @param int32OpsPerClockPerSm CUDA-core integer lanes per SM, which apply the group shifts
 * @param kernelRegisters       registers per thread of {@code flexiq_gemm} built for this architecture (ptxas -v on the
 *                              build CudaDevice loads; CudaSourceTest checks them): with the shared memory they set how many
 *                              blocks share an SM
 * @param sharedKiBPerSm        shared memory an SM can give its blocks (CUDA programming guide, compute capabilities table)
 */
public record GpuSpec(String id, String name, String arch, int sms, double boostClockMHz, int int8MacsPerClockPerSm, int int4MacsPerClockPerSm,
                      int int32OpsPerClockPerSm, double memoryBandwidthGBps, int kernelRegisters, int sharedKiBPerSm) {

    /** Dense int8 tensor throughput, tera-operations per second (2 per MAC), as vendors quote it. */
    public double int8Tops() {
        return 2.0 * int8MacsPerClockPerSm * sms * boostClockMHz * 1e6 / 1e12;
    }

    public double int4Tops() {
        return 2.0 * int4MacsPerClockPerSm * sms * boostClockMHz * 1e6 / 1e12;
    }

    public boolean hasInt4TensorCores() {
        return int4MacsPerClockPerSm > 0;
    }

    /** RTX A6000, A100, RTX 3090, H100 and H200 (SXM), T4. */
    public static final List<GpuSpec> KNOWN = List.of(
            // GA102, sm_86: 84 SMs, 1800 MHz boost, 309.7 int8 / 619.3 int4 dense TOPS, 768 GB/s GDDR6
            new GpuSpec("a6000", "NVIDIA RTX A6000", "sm_86", 84, 1800, 1024, 2048, 64, 768, 122, 100),
            // GA100, sm_80: 108 SMs, 1410 MHz, 624 int8 / 1248 int4 dense TOPS, 2039 GB/s HBM2e (80 GB SXM)
            new GpuSpec("a100", "NVIDIA A100-SXM4-80GB", "sm_80", 108, 1410, 2048, 4096, 64, 2039, 122, 164),
            // GA102, sm_86: 82 SMs, 1695 MHz boost, 284 int8 / 568 int4 dense TOPS, 936 GB/s GDDR6X
            new GpuSpec("rtx3090", "NVIDIA GeForce RTX 3090", "sm_86", 82, 1695, 1024, 2048, 64, 936, 122, 100),
            // GH100, sm_90: 132 SMs, 1830 MHz, 1979 int8 dense TOPS, no int4 tensor cores, 3350 GB/s HBM3
            new GpuSpec("h100", "NVIDIA H100 SXM5 80GB", "sm_90", 132, 1830, 4096, 0, 64, 3350, 120, 228),
            // GH100 with HBM3e, sm_90: the H100's compute (1979 int8 dense TOPS), 4800 GB/s
            new GpuSpec("h200", "NVIDIA H200 SXM 141GB", "sm_90", 132, 1830, 4096, 0, 64, 4800, 120, 228),
            // TU104, sm_75: 40 SMs, 1590 MHz boost, 130 int8 / 260 int4 dense TOPS, 320 GB/s GDDR6
            new GpuSpec("t4", "NVIDIA Tesla T4", "sm_75", 40, 1590, 1024, 2048, 64, 320, 116, 64));

    public static GpuSpec named(String id) {
        String key = id.toLowerCase(Locale.ROOT).replace("-", "").replace("rtx", "").replace(" ", "");
        for (GpuSpec g : KNOWN) {
            if (g.id().replace("rtx", "").equals(key)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown GPU '" + id + "'; known: " + String.join(", ", KNOWN.stream().map(GpuSpec::id).toList()));
    }
}
