package org.flexiq.cli;

import org.flexiq.reports.AtomicFiles;
import org.flexiq.compiler.lower.CompileReport;
import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuFile;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.workbench.FloorPrograms;
import org.flexiq.workbench.Ratios;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Lowers a quantized .flx onto an NPU: one binary program for every stored ratio, plus a register profile per ratio.")
final class CompileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A quantized .flx (sim quantize writes one).")
    String model;

    @Mixin
    NpuOptions npu = new NpuOptions();

    @Option(names = {"-o", "--output"}, converter = OutputPaths.File.class, required = true, paramLabel = "FILE", description = "The .npu program to write.")
    Path output;

    @Option(names = "--json", description = "Print the compile report as JSON.")
    boolean json;

    @Option(names = "--min-ratio", defaultValue = "0", paramLabel = "R", description = "Serve the stored ratios from R up: the input channels "
            + "4-bit at R, and so at every ratio served, store their weights as packed 4-bit codes (half their bytes); the register "
            + "profiles below R, 8-bit included, are left out (default: ${DEFAULT-VALUE}: every ratio).")
    String minRatio;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "B", description = "Compile for B images per run: the program's inputs "
            + "and outputs gain a leading dimension of B, and each matrix product loads its weights once for the batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Override
    public Integer call() throws IOException {
        FloorPrograms.requireBatch("--batch", batch);
        QuantizedModel q = QuantizedArgument.read(model);
        NpuConfig config = npu.config(q.groupWidth(), model);
        double floor = Ratios.parse("--min-ratio", minRatio).get(0);
        FloorPrograms programs = FloorPrograms.compile(q, config, floor, "--min-ratio", batch);
        CompiledProgram c = programs.floor();
        AtomicFiles.write(output, NpuFile.write(c.program()));
        PrintWriter out = spec.commandLine().getOut();
        CompileReport r = c.report();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("program", output.toString());
            m.put("model", q.graph().name());
            m.put("npu", config.name());
            m.put("array", config.arrayRows() + "x" + config.arrayCols());
            m.put("groupWidth", q.groupWidth());
            m.put("report", r);
            m.put("minRatio", floor);
            m.put("batch", batch);
            m.put("fullProgramWeightBytes", programs.full().report().weightBytes());
            m.put("profiles", c.program().profiles().stream().map(RegisterProfile::name).toList());
            out.println(Json.write(m));
            return Sim.OK;
        }
        out.printf(Locale.ROOT, "wrote %s: %s for %s (%dx%d array, %d KiB scratchpad, G = %d)%s%n", output, q.graph().name(), config.name(),
                config.arrayRows(), config.arrayCols(), config.scratchpadKiB(), q.groupWidth(), batch == 1 ? "" : ", a batch of " + batch
                        + " images per run");
        out.printf(Locale.ROOT, "%d layers, %d instructions (%s of code), DRAM image %s, DRAM in use %s, scratchpad peak %s%n",
                r.layers(), r.instructions(), HumanFormat.bytes(r.codeBytes()), HumanFormat.bytes(r.imageBytes()),
                HumanFormat.bytes(r.dramBytes()), HumanFormat.bytes(r.peakScratchpadBytes()));
        out.printf(Locale.ROOT, "%d 4-bit-capable layers, one MAX_4BIT_CH register each%s; register profiles: %s%n", r.fourBitLayers(),
                r.chunkRegisters() == 0 ? "" : String.format(Locale.ROOT, ", and %d for the chunks of input channels their weights load in",
                        r.chunkRegisters()),
                String.join(", ", c.program().profiles().stream().map(RegisterProfile::name).toList()));
        out.printf(Locale.ROOT, "reorders: %d sites whose order no producer could take; their readers gather %s per %s in the scratchpad%n", r.reorders(),
                HumanFormat.bytes(r.reorderBytes()), batch == 1 ? "inference" : "run of " + batch);
        out.println(floor > 0 ? floorNote(programs) : String.format(Locale.ROOT, "weights: %s in DRAM (--min-ratio R stores those 4-bit at every "
                + "ratio from R up as 4-bit codes)", HumanFormat.bytes(r.weightBytes())));
        return Sim.OK;
    }

    /** The weights a ratio floor stores, against the full program's. */
    static String floorNote(FloorPrograms p) {
        CompileReport f = p.floor().report();
        long full = p.full().report().weightBytes();
        return String.format(Locale.ROOT, "--min-ratio %s: weights %s in DRAM, %s of them packed 4-bit codes (the full program's: %s, %.2fx); "
                        + "ratios below %s are not in the program", NpuCompiler.profileName(p.minRatio()), HumanFormat.bytes(f.weightBytes()),
                HumanFormat.bytes(f.packedWeightBytes()), HumanFormat.bytes(full), (double) full / f.weightBytes(), NpuCompiler.profileName(p.minRatio()));
    }
}
