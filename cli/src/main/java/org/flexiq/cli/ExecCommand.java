package org.flexiq.cli;

import org.flexiq.workbench.FloorPrograms;
import org.flexiq.workbench.CalibrationData;
import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.Opcode;
import org.flexiq.reports.TextTable;
import org.flexiq.simulator.ExecutionCounts;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.workloads.ir.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = "Compiles a quantized model and runs the program on the functional executor (values, no timing), "
                + "checking every output byte against the golden executor.")
final class ExecCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A quantized .flx.")
    String model;

    @Mixin
    NpuOptions npu = new NpuOptions();

    @Option(names = "--ratio", defaultValue = "0.5", description = "4-bit ratios to run, comma-separated, each 0 or stored (default: ${DEFAULT-VALUE}).")
    String ratios;

    @Option(names = "--extraction", defaultValue = "static", description = "static or dynamic (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--functional", description = "Run instruction by instruction without timing (the only engine of exec; "
            + "timing is the cycle engine's).")
    boolean functional;

    @Option(names = "--data", paramLabel = "SPEC", defaultValue = "synthetic:1",
            description = "Inputs: synthetic:COUNT or fashion-mnist:SPLIT:COUNT (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of synthetic inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        QuantizedModel q = QuantizedArgument.read(model);
        Extraction e = NpuModels.extraction(extraction);
        List<Double> rs = Ratios.parse("--ratio", ratios);
        Ratios.requireStored(q, "--ratio", rs);
        NpuConfig config = npu.config(q.groupWidth(), model);
        CompiledProgram c = FloorPrograms.full(q, config);
        List<Map<String, FloatTensor>> inputs = DataOption.read("--data", () -> CalibrationData.load(data, q.graph(), seed));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s on %s (%dx%d, G = %d): %d instructions, %d inputs, %s extraction%n", q.graph().name(), config.name(),
                config.arrayRows(), config.arrayCols(), q.groupWidth(), c.report().instructions(), inputs.size(), e.id());
        TextTable.Align l = TextTable.Align.LEFT;
        TextTable.Align r = TextTable.Align.RIGHT;
        TextTable t = new TextTable(List.of("ratio", "outputs", "int8 folds", "int4 folds", "int8 MACs", "int4 MACs", "DMA", "reorder"),
                List.of(r, l, r, r, r, r, r, r));
        boolean allMatched = true;
        List<String> mismatches = new ArrayList<>();
        Map<String, Long> opcodes = new LinkedHashMap<>();
        for (double ratio : rs) {
            FunctionalComparison.Batch b = FunctionalComparison.over(q, c.program(), ratio, e, inputs);
            ExecutionCounts counts = b.counts();
            allMatched &= b.matched() == b.inputs();
            for (String m : b.mismatches()) {
                if (mismatches.size() < 5) {
                    mismatches.add("ratio " + NpuCompiler.profileName(ratio) + ": " + m);
                }
            }
            opcodes.clear();
            for (Map.Entry<Opcode, Long> en : counts.instructions().entrySet()) {
                opcodes.put(en.getKey().mnemonic(), en.getValue());
            }
            t.row(NpuCompiler.profileName(ratio), b.matched() == b.inputs() ? "match golden" : (b.inputs() - b.matched()) + " of " + b.inputs() + " DIFFER",
                    HumanFormat.count(counts.int8Folds()), HumanFormat.count(counts.int4Folds()), HumanFormat.count(counts.int8Macs()),
                    HumanFormat.count(counts.int4Macs()), HumanFormat.bytes(counts.dmaBytes()), HumanFormat.bytes(counts.reorderBytes()));
        }
        out.print(t.render());
        out.println("(counts per inference, of the last input)");
        StringBuilder mix = new StringBuilder("instructions executed at ratio " + NpuCompiler.profileName(rs.get(rs.size() - 1)) + ":");
        opcodes.forEach((k, v) -> mix.append(' ').append(k).append(' ').append(v));
        out.println(mix);
        for (String m : mismatches) {
            out.println("mismatch: " + m);
        }
        return allMatched ? Sim.OK : Sim.FAILURE;
    }
}
