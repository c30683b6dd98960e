package org.flexiq.cli;

import org.flexiq.reports.AtomicFiles;
import org.flexiq.compiler.lower.CompileReport;
import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuFile;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.simulator.NpuConfig;
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

    @Override
    public Integer call() throws IOException {
        QuantizedModel q = QuantizedArgument.read(model);
        NpuConfig config = npu.config(q.groupWidth(), model);
        CompiledProgram c = NpuCompiler.compile(q, config.target());
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
            m.put("profiles", c.program().profiles().stream().map(RegisterProfile::name).toList());
            out.println(Json.write(m));
            return Sim.OK;
        }
        out.printf(Locale.ROOT, "wrote %s: %s for %s (%dx%d array, %d KiB scratchpad, G = %d)%n", output, q.graph().name(), config.name(),
                config.arrayRows(), config.arrayCols(), config.scratchpadKiB(), q.groupWidth());
        out.printf(Locale.ROOT, "%d layers, %d instructions (%s of code), DRAM image %s, DRAM in use %s, scratchpad peak %s%n",
                r.layers(), r.instructions(), HumanFormat.bytes(r.codeBytes()), HumanFormat.bytes(r.imageBytes()),
                HumanFormat.bytes(r.dramBytes()), HumanFormat.bytes(r.peakScratchpadBytes()));
        out.printf(Locale.ROOT, "%d 4-bit-capable layers, one MAX_4BIT_CH register each; register profiles: %s%n", r.fourBitLayers(),
                String.join(", ", c.program().profiles().stream().map(RegisterProfile::name).toList()));
        out.printf(Locale.ROOT, "reorders: %d sites whose order no producer could take; their readers gather %s per inference in the scratchpad%n", r.reorders(),
                HumanFormat.bytes(r.reorderBytes()));
        return Sim.OK;
    }
}
