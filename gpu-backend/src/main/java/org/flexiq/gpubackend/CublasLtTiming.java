package org.flexiq.gpubackend;

import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cuBLASLt's int8 GEMM (every channel 8-bit: the baseline FlexiQ's mixed kernel is weighed against), as the ideal kernel's
 * 128 x 128-tile waves ({@link GpuTimingModel#roofline}) slowed by a fitted efficiency, plus a fitted cost per call:
 * <pre>  us = max(perCallUs + roofline int8 us / efficiency, operands' DRAM bytes / measured bandwidth)</pre>
 * the first term fitted by least squares of the relative errors on one GPU's measured or published times (the shapes
 * fitted on are bound by the tensor cores; the second term, the stream kernels' measured bandwidth, is not fitted here). The per-call cost also takes the host's time to
 * issue back-to-back {@code cublasLtMatmul} calls, which bounds small shapes in a benchmark of bursts.
 *
 * @param fitShapes    how many shapes the fit saw
 * @param trainingError mean relative error on them
 */
public record CublasLtTiming(double perCallUs, double efficiency, String fittedOn, String source, int fitShapes, double trainingError) {
    /** One GEMM's measured or published time. */
    public record Sample(long m, long n, long k, double us) {
    }

    /** The GPUs with data of their own; the others carry the H200's fit (see {@link #forGpu}). */
    public static final CublasLtTiming H200 = fit(h200("synthetic"), GpuSpec.named("h200"), "measured by gemm_bench, gpu-backend/README.md");
    public static final CublasLtTiming T4 = fit(t4(true), GpuSpec.named("t4"), "published: apache/tvm#4550");

    /** The fit a GPU is priced with: its own, else the H200's carried (to the H100 the least assumed: the same GH100 SMs and clocks). */
    public static CublasLtTiming forGpu(GpuSpec gpu) {
        return gpu.id().equals("t4") ? T4 : H200;
    }

    /**
     * An M x N x K int8 GEMM as {@code sim gpu --kernel cublaslt} prices it, which the checks against data use too: its
     * tensor-core time, or its operands' DRAM bytes ({@link #bytes}) at the measured bandwidth, whichever is longer.
     */
    public double us(GpuSpec gpu, long m, long n, long k) {
        return Math.max(computeUs(gpu, m, n, k), memoryUs(gpu, m, n, k));
    }

    /** The fitted part: the cost per call and the ideal kernel's tiles slowed by the efficiency. */
    public double computeUs(GpuSpec gpu, long m, long n, long k) {
        return perCallUs + rooflineUs(gpu, m, n, k) / efficiency;
    }

    public static double memoryUs(GpuSpec gpu, long m, long n, long k) {
        return StreamKernelTiming.H200.memoryUs(gpu, bytes(m, n, k));
    }

    /** Both int8 operands read once and an int8 output written once. */
    public static long bytes(long m, long n, long k) {
        return m * k + n * k + m * n;
    }

    /** The ideal kernel's int8 time for an M x N x K GEMM (no shift work, K padded to the MMA's 32). */
    static double rooflineUs(GpuSpec gpu, long m, long n, long k) {
        long padded = (k + 31) / 32 * 32;
        return GpuTimingModel.roofline(gpu, new GpuLayer("cublaslt", "gemm", m, n, k, 0, padded, 0, 0, 0, 0));
    }

    /** Least squares of the relative errors (each row divided by its time), so that small and large shapes weigh alike. */
    public static CublasLtTiming fit(List<Sample> data, GpuSpec on, String source) {
        double[][] x = new double[data.size()][];
        double[] y = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            Sample s = data.get(i);
            x[i] = new double[]{1 / s.us(), rooflineUs(on, s.m(), s.n(), s.k()) / s.us()};
            y[i] = 1;
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.setNoIntercept(true);
        ols.newSampleData(y, x);
        double[] b = ols.estimateRegressionParameters();
        CublasLtTiming t = new CublasLtTiming(b[0], 1 / b[1], on.id(), source, data.size(), 0);
        return new CublasLtTiming(t.perCallUs, t.efficiency, on.id(), source, data.size(), t.meanRelativeError(on, data));
    }

    public double meanRelativeError(GpuSpec gpu, List<Sample> data) {
        return data.stream().mapToDouble(s -> Math.abs(us(gpu, s.m(), s.n(), s.k()) - s.us()) / s.us()).average().orElse(Double.NaN);
    }

    /**
     * cuBLASLt's times in one of gemm_bench's H200 files, one per distinct shape (its time does not depend on the FlexiQ
     * kernel's ratio), where cuBLASLt had an algorithm.
     */
    public static List<Sample> h200(String set) {
        Map<String, Sample> out = new LinkedHashMap<>();
        for (GemmMeasurement g : GemmMeasurement.resource("h200-gemm-" + set + ".csv")) {
            if (!Double.isNaN(g.cublasUs())) {
                out.putIfAbsent(g.m() + "x" + g.n() + "x" + g.k(), new Sample(g.m(), g.n(), g.k(), g.cublasUs()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /**
     * The T4's published square GEMMs (published/t4-cublaslt-int8.csv): the fit takes 1024, 4096 and 8192, and 2048 and
     * 6144 are held back.
     */
    public static List<Sample> t4(boolean fitPart) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : published("t4-cublaslt-int8.csv")) {
            boolean fit = s.m() == 1024 || s.m() == 4096 || s.m() == 8192;
            if (fit == fitPart) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Published int8 GEMM times of vLLM's CUTLASS kernel ({@code cutlass_scaled_mm}, int8 in, fp16 out with per-row and
     * per-column scales), not cuBLASLt, timed in CUDA graphs by sglang's sgl-kernel/benchmark/bench_int8_gemm.py, whose
     * figure is {@code ((2MNK - MN) + 12MN) 1e-9 / seconds}: {@code published/<gpu>-int8-gemm-vllm-cutlass.csv}, for
     * {@code a100} (sglang#2752, #3093) and {@code sm90} (sglang#3035, whose GPU is a GH100 part it does not name). No
     * cuBLASLt figure for these GPUs was found; they check the H200's fit carried there.
     */
    public static List<Sample> vllmCutlass(String gpu) {
        return CsvRows.resource("published/" + gpu + "-int8-gemm-vllm-cutlass.csv", "M,N,K,gbps,source", f -> {
            long m = Long.parseLong(f[0]);
            long n = Long.parseLong(f[1]);
            long k = Long.parseLong(f[2]);
            return new Sample(m, n, k, (2.0 * m * n * k + 11.0 * m * n) * 1e-3 / Double.parseDouble(f[3]));
        });
    }

    /** A published table, M,N,K,tops,source: tera-operations per second at 2 per multiply-accumulate, as time. */
    static List<Sample> published(String file) {
        return CsvRows.resource("published/" + file, "M,N,K,tops,source", f -> {
            long m = Long.parseLong(f[0]);
            long n = Long.parseLong(f[1]);
            long k = Long.parseLong(f[2]);
            return new Sample(m, n, k, 2.0 * m * n * k / (Double.parseDouble(f[3]) * 1e6));
        });
    }
}
