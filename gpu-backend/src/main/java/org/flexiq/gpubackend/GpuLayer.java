package org.flexiq.gpubackend;

/**
 * One kernel of the GPU path at a ratio and batch, as the timing model needs it.
 *
 * @param kind       {@code gemm} (mixed-precision tensor-core GEMM), {@code matmul} (int8 product of two
 *                   activations), {@code cuda} (elementwise, normalization, pooling, depthwise: CUDA cores),
 *                   {@code extract} and {@code im2col} (the shipped path's activation kernels before a GEMM: m is
 *                   their positions or rows, bytes what they read and write)
 * @param k8         reduction length on int8 MMAs (taps x 8-bit channels)
 * @param k4         reduction length on int4 MMAs (taps x 4-bit channels)
 * @param issuedK8   reduction length the int8 MMAs run over: k8 zero-padded to the MMA's 32
 * @param issuedK4   reduction length the int4 MMAs run over: each group's k-slice zero-padded to 32 codes
 * @param shiftSlices group partial sums each output element shifts and adds (taps x 4-bit groups)
 * @param bytes      DRAM bytes the kernel reads and writes at least once
 * @param cudaOps    CUDA-core integer operations of a {@code cuda} kernel
 */
public record GpuLayer(String name, String kind, long m, long n, long k8, long k4, long issuedK8, long issuedK4, long shiftSlices, long bytes,
                       long cudaOps) {
    /** A kernel whose MMAs run over exactly k8 and k4 (no padding). */
    public GpuLayer(String name, String kind, long m, long n, long k8, long k4, long shiftSlices, long bytes, long cudaOps) {
        this(name, kind, m, n, k8, k4, k8, k4, shiftSlices, bytes, cudaOps);
    }

    public long int8Macs() {
        return m * n * k8;
    }

    public long int4Macs() {
        return m * n * k4;
    }
}
