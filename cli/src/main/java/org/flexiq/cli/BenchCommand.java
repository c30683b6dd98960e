package org.flexiq.cli;

import org.flexiq.workbench.FloorPrograms;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.CalibrationData;
import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.reports.TextTable;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.simulator.CycleEngine;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times the simulator itself on one model: compile, and each engine's wall time per inference (median of "
                + "repeated runs after warm-up), with the simulated PE-cycles per second.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "resnet50", description = "A zoo name or .flx (default: ${DEFAULT-VALUE}).")
    String model;

    @Mixin
    NpuOptions npu = new NpuOptions();

    @Option(names = "--ratio", defaultValue = "0.5", description = "The 4-bit ratio (default: ${DEFAULT-VALUE}).")
    double ratio;

    @Option(names = "--cycle", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also time the cycle engine, once (default: on; --no-cycle skips it).")
    boolean cycle;

    @Option(names = "--repeat", defaultValue = "5", description = "Timed runs per engine after two warm-up runs (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Override
    public Integer call() throws IOException {
        if (repeat < 1) {
            throw new BadInputException("--repeat must be >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        QuantizedModel q = NpuModels.quantized(model, null, npu.config(null).groupWidth(), 4, 0, "--ratio",
                List.of(Ratios.check("--ratio", Double.toString(ratio), ratio)), out);
        NpuConfig config = npu.config(q.groupWidth(), model);
        long t0 = System.nanoTime();
        CompiledProgram c = FloorPrograms.full(q, config);
        double compileS = (System.nanoTime() - t0) / 1e9;
        String profile = NpuCompiler.profileName(ratio);
        RunStats stats = FastEngine.run(c.program(), config, profile, FunctionalExecutor.STATIC);
        double fast = median(() -> FastEngine.run(c.program(), config, profile, FunctionalExecutor.STATIC));
        long peCycles = stats.cycles() * (long) config.arrayRows() * config.arrayCols();
        TextTable.Align l = TextTable.Align.LEFT;
        TextTable.Align r = TextTable.Align.RIGHT;
        TextTable t = new TextTable(List.of("engine", "wall time", "simulated cycles", "PE-cycles / s"), List.of(l, r, r, r));
        t.row("fast", String.format(Locale.ROOT, "%.3f s", fast), HumanFormat.count(stats.cycles()), HumanFormat.count((long) (peCycles / fast)));
        if (cycle) {
            Map<String, int[]> codes = FunctionalComparison.codes(new GoldenExecutor(q, ratio, Extraction.STATIC), c.program(),
                    CalibrationData.load("synthetic:1", q.graph(), 0).get(0));
            long c0 = System.nanoTime();
            RunStats cs = CycleEngine.run(c.program(), config, profile, FunctionalExecutor.STATIC, codes).stats();
            double cycleS = (System.nanoTime() - c0) / 1e9;
            t.row("cycle (values)", String.format(Locale.ROOT, "%.3f s", cycleS), HumanFormat.count(cs.cycles()),
                    HumanFormat.count((long) (peCycles / cycleS)));
        }
        out.printf(Locale.ROOT, "%s on %s (%dx%d, G = %d) at ratio %s: %d instructions, compiled in %.2f s; median of %d runs, %d cores%n",
                q.graph().name(), config.name(), config.arrayRows(), config.arrayCols(), q.groupWidth(), profile, c.report().instructions(),
                compileS, repeat, Runtime.getRuntime().availableProcessors());
        out.print(t.render());
        return Sim.OK;
    }

    private double median(Runnable run) {
        for (int i = 0; i < 2; i++) {
            run.run();
        }
        double[] s = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            run.run();
            s[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(s);
        return s[repeat / 2];
    }
}
