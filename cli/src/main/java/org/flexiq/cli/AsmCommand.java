package org.flexiq.cli;

import org.flexiq.reports.AtomicFiles;
import org.flexiq.isa.Assembler;
import org.flexiq.isa.NpuFile;
import org.flexiq.isa.NpuProgram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "asm", mixinStandardHelpOptions = true, description = "Assembles text (the form sim disasm prints) into an .npu program.")
final class AsmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SOURCE", description = "Assembly text.")
    Path source;

    @Option(names = {"-o", "--output"}, converter = OutputPaths.File.class, required = true, paramLabel = "FILE", description = "The .npu program to write.")
    Path output;

    @Override
    public Integer call() throws IOException {
        NpuProgram p = Assembler.program(source.toString(), Files.readString(source, StandardCharsets.UTF_8));
        AtomicFiles.write(output, NpuFile.write(p));
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d instructions, %d layers, %d register profiles, %d data bytes%n",
                output, p.code().size(), p.layers().size(), p.profiles().size(), p.data().length);
        return Sim.OK;
    }
}
