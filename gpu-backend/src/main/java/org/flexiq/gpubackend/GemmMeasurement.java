package org.flexiq.gpubackend;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * One row of what gemm_bench (src/main/cuda/gemm_bench.cu) measured on a GPU: a GEMM shape as the FlexiQ kernel runs it,
 * the FlexiQ kernel's time and cuBLASLt's int8 GEMM on the same shape (NaN where cuBLASLt had no algorithm). The files
 * under {@code measured/} are gemm_bench's CSV output, as it came off the device (gpu-backend/README.md, "Measured").
 *
 * @param tag the input's first column: the 4-bit ratio, or a synthetic set's name
 */
public record GemmMeasurement(String tag, String kernel, long m, long n, long k, long k8, long k4, long slice, double flexiqUs, double cublasUs) {
    /** gemm_bench's CSV header. */
    static final String HEADER = "ratio,kernel,M,N,K,k8,k4,slice,flexiq_us,flexiq_check,cublaslt_us,cublaslt_out,cublaslt_check";

    /** The 4-bit group slices each output element shifts and adds. */
    public long slices() {
        return k4 / slice;
    }

    /** A layer with this shape, as the timing model takes it. */
    public GpuLayer layer() {
        return new GpuLayer(kernel, "gemm", m, n, k - k4, k4, k8, k4, slices(), 0, 0);
    }

    /** A committed measurement file under org/flexiq/gpubackend/measured/. */
    public static List<GemmMeasurement> resource(String file) {
        return CsvRows.resource("measured/" + file, HEADER, GemmMeasurement::row);
    }

    /** gemm_bench's CSV output. */
    static List<GemmMeasurement> read(String name, InputStream in) throws IOException {
        return CsvRows.read(name, in, HEADER, GemmMeasurement::row);
    }

    private static GemmMeasurement row(String[] f) {
        return new GemmMeasurement(f[0], f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                Long.parseLong(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[10]));
    }
}
