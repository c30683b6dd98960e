package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.CalibrationData;
import org.flexiq.workbench.GpuRuns;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.gpubackend.CublasLtTiming;
import org.flexiq.gpubackend.CudaDevice;
import org.flexiq.gpubackend.CudaProbe;
import org.flexiq.gpubackend.GpuPlanCsv;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.GpuTimingModel;
import org.flexiq.gpubackend.KernelCalibration;
import org.flexiq.gpubackend.PaperPipelineTiming;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.TextTable;
import org.flexiq.workloads.ir.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = "Runs a model on the GPU path at 4-bit ratios: latency and tensor-core utilization per kernel (modelled from the GPU's "
                + "specifications when no GPU is present, which every line says), and the outputs of the kernels' arithmetic checked "
                + "against the golden executor.")
final class GpuCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A quantized .flx, a float .flx or a zoo name (quantized on the fly).")
    String model;

    @Mixin
    GpuOptions gpu = new GpuOptions();

    @Option(names = "--ratio", defaultValue = "0,0.5,1", description = "4-bit ratios (default: ${DEFAULT-VALUE}).")
    String ratios;

    @Option(names = "--batch", defaultValue = "1", description = "Batch size of the timing (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--group", description = "Group width when quantizing on the fly (default: 32, FlexiQ's GPU groups).")
    Integer group;

    @Option(names = "--extraction", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--layers", description = "Print the per-kernel table for every ratio.")
    boolean layers;

    @Option(names = "--no-check", description = "Skip running the kernels' arithmetic against the golden executor.")
    boolean noCheck;

    @Option(names = "--json", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Write every figure as JSON.")
    Path json;

    @Option(names = "--gemm-shapes", paramLabel = "FILE", description = "Write every tensor-core GEMM at every ratio as a line "
            + "'ratio kernel M N K k8 k4 slice', the input of gemm_bench (tools/gemm_bench.sh), which times the FlexiQ kernel and cuBLASLt's "
            + "int8 GEMM on those shapes on a real GPU.")
    Path gemmShapes;

    @Option(names = "--kernels", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Write every kernel of the plan at every ratio as CSV ("
            + GpuPlanCsv.HEADER + "): the figures the timing model prices each kernel by.")
    Path kernelsCsv;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of on-the-fly quantization and of the check's input (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        GpuSpec g = gpu.spec();
        if (batch < 1) {
            throw new BadInputException("--batch: " + batch + " is not a positive batch size");
        }
        Extraction e = NpuModels.extraction(extraction);
        List<Double> rs = Ratios.parse("--ratio", ratios);
        QuantizedModel q = NpuModels.quantized(model, group, group != null ? group : 32, 16, seed, "--ratio", rs, out);
        GpuTimingModel.GemmKernel kernel = gpu.kernel();
        out.printf(Locale.ROOT, "%s on %s (%s, %d SMs, %.0f MHz; int8 %.0f TOPS, int4 %s, %.0f GB/s), batch %d: MODELLED latency, GEMMs %s: %s%n",
                q.graph().name(), g.name(), g.arch(), g.sms(), g.boostClockMHz(), g.int8Tops(),
                g.hasInt4TensorCores() ? String.format(Locale.ROOT, "%.0f TOPS", g.int4Tops()) : "none (4-bit groups widened to int8)",
                g.memoryBandwidthGBps(), batch, kernelText(kernel, g), CudaProbe.why());
        Map<String, FloatTensor> input = CalibrationData.load("synthetic:1", q.graph(), seed).get(0);
        GpuRuns done = GpuRuns.model(q, g, kernel, rs, batch, e, noCheck ? null : input);
        List<GpuTimingModel.Run> runs = done.runs();
        GpuTimingModel.Run base = done.base();
        List<String> checks = done.matched().stream().map(m -> m ? "match" : "DIFFER").toList();
        TextTable t = new TextTable(List.of("ratio", "latency (modelled)", "bound", "speedup", "tensor util", "int8 MACs", "int4 MACs", "kernels",
                "emulated outputs vs golden"), List.of(TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.LEFT, TextTable.Align.RIGHT,
                TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (int i = 0; i < runs.size(); i++) {
            GpuTimingModel.Run r = runs.get(i);
            t.row(org.flexiq.reports.SweepPoint.ratioText(r.ratio()), String.format(Locale.ROOT, "%.1f us", r.us()), r.hostBound() ? "host launches" : "kernels",
                    String.format(Locale.ROOT, "%.2fx", base.us() / r.us()),
                    RunCommand.percent(r.tensorUtilization()), HumanFormat.count(r.int8Macs()), HumanFormat.count(r.int4Macs()),
                    r.kernels().size(), checks.isEmpty() ? "-" : checks.get(i));
        }
        out.print(t.render());
        for (GpuTimingModel.Run r : runs) {
            if (runs.size() == 1 || layers) {
                out.printf(Locale.ROOT, "%nper kernel at ratio %s (modelled on %s):%n", org.flexiq.reports.SweepPoint.ratioText(r.ratio()), g.name());
                out.print(kernels(r).render());
            }
        }
        CudaDevice.Opened opened = CudaDevice.open();
        if (opened.device() != null) {
            try (CudaDevice d = opened.device()) {
                measured(out, GpuRuns.measure(q, d, g, kernel, rs, e, input), d);
            }
        } else if (CudaProbe.driver() != null) {
            out.printf(Locale.ROOT, "%nno GEMM kernel measured: %s%n", opened.why());
        }
        if (json != null) {
            AtomicFiles.write(json, Json.write(json(q.graph().name(), runs, base, checks)));
        }
        if (gemmShapes != null) {
            AtomicFiles.write(gemmShapes, shapes(q.graph().name(), batch, runs));
        }
        if (kernelsCsv != null) {
            AtomicFiles.write(kernelsCsv, GpuPlanCsv.write(done.plans()));
        }
        return checks.contains("DIFFER") ? Sim.FAILURE : Sim.OK;
    }

    /** On a real GPU: every GEMM kernel run and timed (CUDA events, median of 9 bursts of back-to-back launches after 3 warm-up), outputs checked. */
    private static void measured(PrintWriter out, List<GpuRuns.Measured> measured, CudaDevice d) {
        out.printf(Locale.ROOT, "%nMEASURED on %s (%s%s), batch 1: the GEMM kernels (CUDA events, median of 9 bursts of %d "
                + "back-to-back launches after 3 warm-up; "
                + "their activations extracted and gathered on the device too); the other layers are not timed%n", d.name(), d.arch(),
                d.widened() ? ", 4-bit groups widened to int8" : "", CudaDevice.BURST);
        TextTable t = new TextTable(List.of("ratio", "GEMM kernels (measured)", "GEMM kernels (modelled)", "outputs vs golden"),
                List.of(TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        for (GpuRuns.Measured m : measured) {
            t.row(org.flexiq.reports.SweepPoint.ratioText(m.ratio()), String.format(Locale.ROOT, "%.1f us", m.measuredUs()),
                    String.format(Locale.ROOT, "%.1f us (%s)", m.modelledUs(), m.modelledOn()), m.matched() ? "match" : "DIFFER");
        }
        out.print(t.render());
    }

    /** How the GEMMs are priced, in the words of the first line. */
    static String kernelText(GpuTimingModel.GemmKernel kernel, GpuSpec g) {
        return switch (kernel) {
            case SHIPPED -> "by flexiq_gemm as shipped (its tile model, fitted to its measurements on an H200" + (g.hasInt4TensorCores()
                    ? "; its int4 MMA steps priced as int8 steps, an assumption: no GPU with int4 tensor cores has been measured)" : ")");
            case ROOFLINE -> "by an ideal tuned kernel (128 x 128 tiles at the tensor rates)";
            case CUBLASLT -> {
                CublasLtTiming c = CublasLtTiming.forGpu(g);
                yield String.format(Locale.ROOT, "by cuBLASLt's int8 GEMM, every channel 8-bit at any ratio (%.0f%% of the ideal kernel's rate, "
                        + "%.1f us per call, fitted on the %s's times, %s%s)", 100 * c.efficiency(), c.perCallUs(), c.fittedOn(), c.source(),
                        c.fittedOn().equals(g.id()) ? "" : carriedText(g));
            }
            case PAPER -> {
                PaperPipelineTiming p = PaperPipelineTiming.FITTED;
                PaperPipelineTiming.Check held = p.checks().stream().filter(PaperPipelineTiming.Check::heldBack).findFirst().orElseThrow();
                yield String.format(Locale.ROOT, "as the paper's own pipeline, its measured ViT-B/16 latencies on the %s calibrating the ideal "
                                + "kernel's model (weight GEMMs at %.1f%% of its speed, everything else %.2fx; fitted at %s, held back %s: %+.1f%%%s)",
                        PaperPipelineTiming.GPU, 100 * p.gemmEfficiency(), p.restFactor(), ratiosText(p.fitRatios()),
                        ratioPercent(held.ratio()), 100 * held.error(),
                        g.id().equals(PaperPipelineTiming.GPU) ? "" : "; carried to the " + g.id() + ", for which the paper gives no latency");
            }
        };
    }

    /** Where the cuBLASLt fit is carried to a GPU without data of its own: checked against another library's published times, or not at all. */
    private static String carriedText(GpuSpec g) {
        return KernelCalibration.cublasChecks().stream().filter(c -> c.gpu().equals(g.id()) && c.heldBack()).findFirst()
                .map(c -> String.format(Locale.ROOT, "; carried to the %s, checked against %s: %+.1f%%", g.id(), c.set(), 100 * c.error()))
                .orElse("; carried to the " + g.id() + ", which has no such data");
    }

    /** 4-bit ratios as percentages: "0% and 100%". */
    static String ratiosText(List<Double> ratios) {
        return String.join(" and ", ratios.stream().map(GpuCommand::ratioPercent).toList());
    }

    static String ratioPercent(double ratio) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * ratio);
    }

    /** gemm_bench's input: the kernel lengths as the FlexiQ kernel's buffers hold them (k8 padded to 32, k4 in whole slices). */
    static String shapes(String model, int batch, List<GpuTimingModel.Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(model).append(", batch ").append(batch).append(": ratio kernel M N K k8 k4 slice\n");
        for (GpuTimingModel.Run r : runs) {
            for (GpuTimingModel.KernelTime k : r.kernels()) {
                var l = k.layer();
                if (!l.kind().equals("gemm") && !l.kind().equals("matmul")) {
                    continue;
                }
                long slice = l.shiftSlices() == 0 ? 32 : l.issuedK4() / l.shiftSlices();
                b.append(String.format(Locale.ROOT, "%s %s %d %d %d %d %d %d\n", org.flexiq.reports.SweepPoint.ratioText(r.ratio()),
                        l.name().replaceAll("\\s", "_"), l.m(), l.n(), l.k8() + l.k4(), l.issuedK8(), l.issuedK4(), slice));
            }
        }
        return b.toString();
    }

    static TextTable kernels(GpuTimingModel.Run r) {
        TextTable t = new TextTable(List.of("kernel", "kind", "M", "N", "K int8", "K int4", "us", "bound", "tensor util"),
                List.of(TextTable.Align.LEFT, TextTable.Align.LEFT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT,
                        TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.LEFT, TextTable.Align.RIGHT));
        for (GpuTimingModel.KernelTime k : r.kernels()) {
            var l = k.layer();
            t.row(l.name(), l.kind(), l.m(), l.n(), l.k8(), l.k4(), String.format(Locale.ROOT, "%.2f", k.us()), k.bound(),
                    RunCommand.percent(k.tensorUtilization()));
        }
        return t;
    }

    static Map<String, Object> json(String model, List<GpuTimingModel.Run> runs, GpuTimingModel.Run base, List<String> checks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("gpu", runs.get(0).gpu());
        m.put("latency", "modelled");
        m.put("gemmKernel", runs.get(0).gemm().name().toLowerCase(Locale.ROOT));
        m.put("why", CudaProbe.why());
        m.put("batch", runs.get(0).batch());
        List<Object> rs = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            GpuTimingModel.Run r = runs.get(i);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("ratio", r.ratio());
            x.put("latencyUs", r.us());
            x.put("kernelsUs", r.gpuUs());
            x.put("hostLaunchUs", r.hostUs());
            x.put("speedupOverRatio0", base.us() / r.us());
            x.put("tensorUtilization", r.tensorUtilization());
            x.put("check", checks.isEmpty() ? null : checks.get(i));
            List<Object> ks = new ArrayList<>();
            for (GpuTimingModel.KernelTime k : r.kernels()) {
                Map<String, Object> y = new LinkedHashMap<>();
                y.put("kernel", k.layer());
                y.put("us", k.us());
                y.put("bound", k.bound());
                y.put("tensorUtilization", k.tensorUtilization());
                ks.add(y);
            }
            x.put("kernels", ks);
            rs.add(x);
        }
        m.put("runs", rs);
        return m;
    }
}
