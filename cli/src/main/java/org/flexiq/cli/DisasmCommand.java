package org.flexiq.cli;

import org.flexiq.reports.AtomicFiles;
import org.flexiq.isa.Disassembler;
import org.flexiq.isa.NpuFile;
import org.flexiq.isa.NpuProgram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Readable assembly of an .npu program: its tables as directives, then the code, each layer marked with its name.")
final class DisasmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROGRAM", description = "An .npu file (sim compile writes one).")
    Path program;

    @Option(names = "--data", description = "Include the DRAM image as hex, so that sim asm rebuilds the identical program.")
    boolean data;

    @Option(names = {"-o", "--output"}, converter = OutputPaths.File.class, paramLabel = "FILE", description = "Write the assembly to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws IOException {
        NpuProgram p = NpuFile.read(program.toString(), Files.readAllBytes(program));
        String text = Disassembler.program(p, data);
        if (output != null) {
            AtomicFiles.write(output, text);
        } else {
            spec.commandLine().getOut().print(text);
        }
        return Sim.OK;
    }
}
