package org.flexiq.cli;

import org.flexiq.gpubackend.CublasLtTiming;
import org.flexiq.gpubackend.FlexiqGemmTiming;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.KernelCalibration;
import org.flexiq.gpubackend.PaperPipelineTiming;
import org.flexiq.gpubackend.StreamKernelTiming;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.CsvField;
import org.flexiq.reports.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "gpu-calibration", mixinStandardHelpOptions = true,
        description = "Prints the GPU timing model's constants and how well they match the measurements they were fitted to (the "
                + "shipped GEMM kernel on synthetic shapes) and the ones held back (ResNet-50's and ViT-B/16's GEMMs; the non-GEMM layers), "
                + "all measured on an H200 and committed under gpu-backend's resources.")
final class GpuCalibrationCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--csv", converter = OutputPaths.File.class, paramLabel = "FILE",
            description = "Also write every data point beside the model's price for it (the residuals the tables sum), one a line.")
    Path csv;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        FlexiqGemmTiming t = FlexiqGemmTiming.H200;
        GpuSpec on = GpuSpec.named(t.fittedOn());
        out.printf(Locale.ROOT, "flexiq_gemm tile model, fitted on %s (cycles at %.0f MHz): int8 chunk wait %.0f, int8 step %.0f, 4-bit chunk "
                        + "wait %.0f, widened 4-bit step %.0f, slice addition %.0f, per wave %.0f; mean error on its own shapes %.1f%%%n", on.name(),
                on.boostClockMHz(), t.int8ChunkCycles(), t.int8StepCycles(), t.fourBitChunkCycles(), t.widenedStepCycles(), t.sliceCycles(),
                t.waveCycles(), 100 * t.trainingError());
        TextTable blocks = new TextTable(List.of("GPU", "registers", "blocks per SM", "blocks at once"),
                List.of(TextTable.Align.LEFT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (GpuSpec g : GpuSpec.KNOWN) {
            blocks.row(g.id(), g.kernelRegisters(), FlexiqGemmTiming.blocksPerSm(g), FlexiqGemmTiming.blocksPerSm(g) * g.sms());
        }
        out.print(blocks.render());
        out.println();
        TextTable gemms = new TextTable(List.of("set", "ratio", "GEMMs", "measured", "modelled", "error", "mean error per GEMM", "cuBLASLt int8",
                "FlexiQ / cuBLASLt"), List.of(TextTable.Align.LEFT, TextTable.Align.LEFT, TextTable.Align.RIGHT, TextTable.Align.RIGHT,
                TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (KernelCalibration.GemmTotal g : KernelCalibration.gemmTotals(on, t)) {
            gemms.row(g.set() + (g.heldBack() ? " (held back)" : " (fit)"), g.tag(), g.gemms(), us(g.measuredUs()), us(g.modelledUs()),
                    signedPercent(g.error()), String.format(Locale.ROOT, "%.1f%%", 100 * g.meanRelativeError()),
                    us(g.cublasUs()), String.format(Locale.ROOT, "%.2fx", g.measuredUs() / g.cublasUs()));
        }
        out.print(gemms.render());
        out.printf(Locale.ROOT, "%ncuBLASLt int8 model (us = per call + ideal 128 x 128-tile time / efficiency, least squares): H200 %.1f us per call, "
                        + "efficiency %.2f (%s); T4 %.1f us per call, efficiency %.2f (%s); the other GPUs carry the H200's (the A100's carry is checked against another library's published times)%n",
                CublasLtTiming.H200.perCallUs(), CublasLtTiming.H200.efficiency(), CublasLtTiming.H200.source(), CublasLtTiming.T4.perCallUs(),
                CublasLtTiming.T4.efficiency(), CublasLtTiming.T4.source());
        TextTable cublas = new TextTable(List.of("GPU", "set", "shapes", "measured", "modelled", "error", "mean error per shape"),
                List.of(TextTable.Align.LEFT, TextTable.Align.LEFT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT,
                        TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (KernelCalibration.CublasCheck c : KernelCalibration.cublasChecks()) {
            cublas.row(c.gpu(), c.set() + (c.heldBack() ? " (held back)" : " (fit)"), c.shapes(), us(c.measuredUs()), us(c.modelledUs()),
                    signedPercent(c.error()), String.format(Locale.ROOT, "%.1f%%", 100 * c.meanRelativeError()));
        }
        out.print(cublas.render());
        out.printf(Locale.ROOT, "%nthe paper's own pipeline (`--kernel paper`), calibrated on its measured ViT-B/16 latencies at batch 16 on the %s: "
                + "us = rest factor x everything but the weight GEMMs + the weight GEMMs / efficiency, both on the ideal kernel's model of "
                + "plans/%s; two constants solved on two of the three ratios, the third held back (`--kernel paper` takes the first fit)%n",
                PaperPipelineTiming.GPU, PaperPipelineTiming.PLAN);
        TextTable paper = new TextTable(List.of("fit on", "efficiency", "rest factor", "ratio", "paper", "modelled", "error", "speedup paper",
                "speedup modelled"), List.of(TextTable.Align.LEFT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.LEFT,
                TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (PaperPipelineTiming f : PaperPipelineTiming.leaveOneOut()) {
            for (PaperPipelineTiming.Check c : f.checks()) {
                paper.row(GpuCommand.ratiosText(f.fitRatios()), String.format(Locale.ROOT, "%.1f%%", 100 * f.gemmEfficiency()),
                        String.format(Locale.ROOT, "%.2fx", f.restFactor()), GpuCommand.ratioPercent(c.ratio()) + (c.heldBack() ? " (held back)" : " (fit)"),
                        String.format(Locale.ROOT, "%.2f ms", c.publishedMs()), String.format(Locale.ROOT, "%.2f ms", c.modelledMs()),
                        signedPercent(c.error()), String.format(Locale.ROOT, "%.2fx", c.publishedSpeedup()),
                        String.format(Locale.ROOT, "%.2fx", c.modelledSpeedup()));
            }
        }
        out.print(paper.render());
        StreamKernelTiming s = StreamKernelTiming.H200;
        out.printf(Locale.ROOT, "%nother kernels, fitted on %s: fixed %.2f us per kernel, DRAM at %.1f%% of the datasheet's bandwidth, host launches "
                + "one kernel per %.2f us%n", on.name(), s.fixedUs(), 100 * s.bandwidthEfficiency(), s.hostLaunchUs());
        TextTable layers = new TextTable(List.of("kernel (held back)", "bytes", "measured", "modelled", "measured / modelled"),
                List.of(TextTable.Align.LEFT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (KernelCalibration.LayerCheck l : KernelCalibration.streamLayers(on, s)) {
            layers.row(l.kernel(), HumanFormat.count(l.bytes()), us(l.measuredUs()), us(l.modelledUs()),
                    String.format(Locale.ROOT, "%.2f", l.measuredUs() / l.modelledUs()));
        }
        out.print(layers.render());
        if (csv != null) {
            List<KernelCalibration.Residual> residuals = KernelCalibration.residuals();
            AtomicFiles.write(csv, residualsCsv(residuals));
            out.printf(Locale.ROOT, "%n%d residuals: %s%n", residuals.size(), csv);
        }
        return Sim.OK;
    }

    /** A relative error; a fitted point solved exactly prints +0.0%, not a rounding's -0.0%. */
    private static String signedPercent(double error) {
        return String.format(Locale.ROOT, "%+.1f%%", Math.abs(error) < 5e-4 ? 0.0 : 100 * error);
    }

    private static String us(double v) {
        return String.format(Locale.ROOT, "%.1f us", v);
    }

    static String residualsCsv(List<KernelCalibration.Residual> residuals) {
        StringBuilder b = new StringBuilder("model,fit,gpu,set,role,what,M,N,K,measured_us,modelled_us,error\n");
        for (KernelCalibration.Residual r : residuals) {
            b.append(CsvField.quote(r.model())).append(',').append(CsvField.quote(r.fit())).append(',').append(r.gpu()).append(',')
                    .append(CsvField.quote(r.set())).append(',').append(r.heldBack() ? "held back" : "fit").append(',')
                    .append(CsvField.quote(r.what())).append(',').append(shape(r.m())).append(',').append(shape(r.n())).append(',')
                    .append(shape(r.k())).append(String.format(Locale.ROOT, ",%.3f,%.3f,%.4f%n", r.measuredUs(), r.modelledUs(), r.error()));
        }
        return b.toString();
    }

    private static String shape(long v) {
        return v == 0 ? "" : Long.toString(v);
    }
}
