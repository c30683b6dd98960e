package org.flexiq.cli;

import org.flexiq.workbench.FloorPrograms;
import org.flexiq.workbench.Engine;
import org.flexiq.workbench.GpuRuns;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.workbench.NpuRuns;
import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.gpubackend.CudaProbe;
import org.flexiq.gpubackend.GpuPlan;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.GpuTimingModel;
import org.flexiq.reports.TextTable;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "The same quantized model on the NPU (simulated, fast engine) and on the GPU path (modelled when no GPU is present): "
                + "latency and utilization per ratio, and per layer side by side.")
final class CompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A quantized .flx, a float .flx or a zoo name (quantized on the fly).")
    String model;

    @Mixin
    NpuOptions npu = new NpuOptions();

    @Mixin
    GpuOptions gpu = new GpuOptions();

    @Option(names = "--ratio", defaultValue = "0.5", description = "4-bit ratios (default: ${DEFAULT-VALUE}); the per-layer table is for the last.")
    String ratios;

    @Option(names = "--group", description = "Group width when quantizing on the fly (default: 32, which both paths take).")
    Integer group;

    @Option(names = "--extraction", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of on-the-fly quantization (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        GpuSpec g = gpu.spec();
        Extraction e = NpuModels.extraction(extraction);
        List<Double> rs = Ratios.parse("--ratio", ratios);
        QuantizedModel q = NpuModels.quantized(model, group, group != null ? group : 32, 16, seed, "--ratio", rs, out);
        NpuConfig c = npu.config(q.groupWidth(), model);
        CompiledProgram p = FloorPrograms.full(q, c);
        // timing only: the outputs are checked by sim run and sim gpu
        NpuRuns npuRuns = NpuRuns.run(new NpuRuns.Request(q, p.program(), c, rs, Engine.FAST, e, false, false, null));
        GpuRuns gpuRuns = GpuRuns.model(q, g, gpu.kernel(), rs, 1, e, null);
        RunStats npuBase = npuRuns.base();
        GpuTimingModel.Run gpuBase = gpuRuns.base();
        out.printf(Locale.ROOT, "%s, batch 1: NPU %s (%dx%d, G = %d, %.0f MHz) SIMULATED by the fast engine; GPU %s MODELLED: %s%n",
                q.graph().name(), c.name(), c.arrayRows(), c.arrayCols(), q.groupWidth(), c.clockMHz(), g.name(), CudaProbe.why());
        String narrow = NpuModels.narrowGroupNote(q.groupWidth(), c.arrayRows());
        if (narrow != null) {
            out.println(narrow);
        }
        TextTable t = new TextTable(List.of("ratio", "NPU latency", "NPU speedup", "NPU PE util", "GPU latency", "GPU speedup", "GPU tensor util"),
                List.of(TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT,
                        TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        RunStats lastNpu = null;
        GpuTimingModel.Run lastGpu = null;
        for (int i = 0; i < rs.size(); i++) {
            lastNpu = npuRuns.runs().get(i);
            lastGpu = gpuRuns.runs().get(i);
            t.row(org.flexiq.reports.SweepPoint.ratioText(rs.get(i)), us(lastNpu.latencyMicroseconds()), x(npuBase.cycles() / (double) lastNpu.cycles()),
                    RunCommand.percent(lastNpu.peUtilization()), us(lastGpu.us()), x(gpuBase.us() / lastGpu.us()), RunCommand.percent(lastGpu.tensorUtilization()));
        }
        out.print(t.render());
        out.printf(Locale.ROOT, "%nper layer at ratio %s (a GPU kernel counts for the NPU layer that runs its node):%n", lastNpu.profile());
        out.print(perLayer(lastNpu, lastGpu).render());
        return Sim.OK;
    }

    /**
     * NPU layers (named by their fused nodes, "a+b") with the GPU kernels of those nodes (a GEMM's extraction and im2col
     * kernels counted with it); kernels of no NPU layer at the end.
     */
    static TextTable perLayer(RunStats npu, GpuTimingModel.Run gpu) {
        Map<String, List<GpuTimingModel.KernelTime>> byNode = new LinkedHashMap<>();
        for (GpuTimingModel.KernelTime k : gpu.kernels()) {
            String node = GpuPlan.activationKernel(k.layer()) ? k.layer().name().substring(0, k.layer().name().lastIndexOf(' ')) : k.layer().name();
            byNode.computeIfAbsent(node, x -> new ArrayList<>()).add(k);
        }
        TextTable t = new TextTable(List.of("layer", "NPU us", "NPU PE util", "GPU us", "GPU tensor util"),
                List.of(TextTable.Align.LEFT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT, TextTable.Align.RIGHT));
        int r = npu.config().arrayRows();
        int c = npu.config().arrayCols();
        for (LayerStats l : npu.layers()) {
            if (l.cycles() == 0) {
                continue;
            }
            double gpuUs = 0;
            double peak = 0;
            List<GpuTimingModel.KernelTime> mine = new ArrayList<>();
            for (String node : l.name().split("\\+")) {
                for (GpuTimingModel.KernelTime k : byNode.getOrDefault(node, List.of())) {
                    mine.add(k);
                    gpuUs += k.us();
                    peak += k.tensorUtilization() * k.us();
                }
                byNode.remove(node);
            }
            t.row(l.name(), us(l.cycles() / npu.config().clockMHz()), RunCommand.percent(l.peUtilization(r, c)), mine.isEmpty() ? "-" : us(gpuUs),
                    mine.isEmpty() ? "-" : RunCommand.percent(peak / gpuUs));
        }
        for (List<GpuTimingModel.KernelTime> ks : byNode.values()) {
            for (GpuTimingModel.KernelTime k : ks) {
                t.row(k.layer().name() + " (GPU only)", "-", "-", us(k.us()), RunCommand.percent(k.tensorUtilization()));
            }
        }
        return t;
    }

    private static String us(double v) {
        return String.format(Locale.ROOT, "%.1f us", v);
    }

    private static String x(double v) {
        return String.format(Locale.ROOT, "%.2fx", v);
    }
}
