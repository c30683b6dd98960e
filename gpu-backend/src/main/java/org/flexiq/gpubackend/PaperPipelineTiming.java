package org.flexiq.gpubackend;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealVector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * FlexiQ's own GPU pipeline, as the paper's measured ViT-B/16 latencies (batch 16, RTX A6000) calibrate it. Neither its
 * kernels nor its runtime are published, so it is priced through our ideal kernel's model ({@link GpuTimingModel}'s
 * roofline: 128 x 128 tiles, 4-bit groups at the int4 rate, shifts overlapped; every other layer by its bytes), with two
 * constants fitted to the paper's figures:
 * <pre>  us(ratio) = restFactor x (everything but the weight GEMMs) + (the weight GEMMs at that ratio) / gemmEfficiency</pre>
 * {@code gemmEfficiency} is the fraction of the ideal kernel's speed the paper's mixed GEMMs reach, at any ratio;
 * {@code restFactor} what its non-GEMM layers, attention products and launches cost over our model of them. Two constants
 * on three published points: the fit solves two of them exactly and the third is held back ({@link #checks()});
 * {@link #FITTED} takes 0% and 100%, and {@link #leaveOneOut()} gives all three choices. The ViT-B/16 plan it fits on is
 * committed ({@link #PLAN}, written by {@code sim gpu --kernels}) so that fitting needs no quantization.
 */
public record PaperPipelineTiming(double gemmEfficiency, double restFactor, List<Double> fitRatios) {
    public static final String GPU = "a6000";
    /** ViT-B/16, 32-channel groups, greedy selection on synthetic calibration, batch 16, ratios 0 / 0.5 / 1 (gpu-backend/README.md). */
    public static final String PLAN = "vitb16-batch16-g32.csv";
    static final String PUBLISHED = "published/flexiq-paper-a6000-vitb16.csv";

    /** One of the paper's measured latencies. */
    public record Published(double ratio, int batch, double ms, String source) {
    }

    /** A fit's latency at one published ratio beside the paper's, and the speedup over 0% of both. */
    public record Check(double ratio, boolean heldBack, double publishedMs, double modelledMs, double publishedSpeedup, double modelledSpeedup) {
        public double error() {
            return modelledMs / publishedMs - 1;
        }
    }

    /** The fit {@code sim gpu --kernel paper} prices with: on the paper's 0% and 100%, 50% held back. */
    public static final PaperPipelineTiming FITTED = fit(List.of(0.0, 1.0));

    /** The factor this kernel's ideal-kernel time is multiplied by. */
    public double factor(GpuLayer l) {
        return weightGemm(l) ? 1 / gemmEfficiency : restFactor;
    }

    static boolean weightGemm(GpuLayer l) {
        return l.kind().equals("gemm");
    }

    /** Fitted exactly on the paper's figures at two ratios. */
    public static PaperPipelineTiming fit(List<Double> ratios) {
        if (ratios.size() != 2) {
            throw new IllegalArgumentException("two constants take two ratios, got " + ratios);
        }
        double[][] a = new double[2][];
        double[] y = new double[2];
        for (int i = 0; i < 2; i++) {
            Published p = published(ratios.get(i));
            double[] split = split(p.ratio(), p.batch());
            a[i] = new double[]{split[1], split[0]};
            y[i] = p.ms() * 1000;
        }
        RealVector x = new LUDecomposition(new Array2DRowRealMatrix(a)).getSolver().solve(new ArrayRealVector(y));
        if (x.getEntry(0) <= 0 || x.getEntry(1) <= 0) {
            throw new IllegalStateException("the paper's figures at " + ratios + " give no positive constants: " + x);
        }
        return new PaperPipelineTiming(1 / x.getEntry(1), x.getEntry(0), List.copyOf(ratios));
    }

    /** The three fits on two of the paper's three ratios, each with the third held back; {@link #FITTED}'s first. */
    public static List<PaperPipelineTiming> leaveOneOut() {
        List<Double> all = published().stream().map(Published::ratio).toList();
        List<PaperPipelineTiming> out = new ArrayList<>(List.of(FITTED));
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                List<Double> pair = List.of(all.get(i), all.get(j));
                if (!pair.equals(FITTED.fitRatios())) {
                    out.add(fit(pair));
                }
            }
        }
        return out;
    }

    /** This fit at every published ratio (the first is 0%, which the speedups are over). */
    public List<Check> checks() {
        List<Check> out = new ArrayList<>();
        List<Published> ps = published();
        double base = 0;
        double publishedBase = 0;
        for (Published p : ps) {
            double[] split = split(p.ratio(), p.batch());
            double us = restFactor * split[1] + split[0] / gemmEfficiency;
            if (out.isEmpty()) {
                base = us;
                publishedBase = p.ms();
            }
            out.add(new Check(p.ratio(), !fitRatios.contains(p.ratio()), p.ms(), us / 1000, publishedBase / p.ms(), base / us));
        }
        return out;
    }

    /** The ideal kernel's model of the committed ViT-B/16 plan on the A6000: {weight GEMMs, everything else} in microseconds. */
    static double[] split(double ratio, int batch) {
        Map<Double, List<GpuLayer>> plans = GpuPlanCsv.resource(PLAN);
        List<GpuLayer> plan = plans.get(ratio);
        if (plan == null) {
            throw new IllegalStateException("plans/" + PLAN + " has no ratio " + ratio + "; it has " + plans.keySet());
        }
        GpuTimingModel.Run run = GpuTimingModel.run(GpuSpec.named(GPU), ratio, batch, plan, GpuTimingModel.GemmKernel.ROOFLINE);
        double gemms = run.kernels().stream().filter(k -> weightGemm(k.layer())).mapToDouble(GpuTimingModel.KernelTime::us).sum();
        return new double[]{gemms, run.gpuUs() - gemms};
    }

    static Published published(double ratio) {
        return published().stream().filter(p -> p.ratio() == ratio).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the paper gives no latency at ratio " + ratio));
    }

    /** The paper's figures, ratio,batch,ms,source, ratio 0 first. */
    public static List<Published> published() {
        List<Published> out = CsvRows.resource(PUBLISHED, "ratio,batch,ms,source",
                f -> new Published(Double.parseDouble(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]), f[3]));
        if (out.isEmpty() || out.get(0).ratio() != 0) {
            throw new IllegalArgumentException(PUBLISHED + ": expected ratio 0 first, the speedups' base");
        }
        return out;
    }
}
