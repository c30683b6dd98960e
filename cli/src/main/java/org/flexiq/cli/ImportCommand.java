package org.flexiq.cli;

import org.flexiq.workloads.flx.FlxWriter;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import a float ONNX model (opsets 7 to 21; 1 to 6 for ops unchanged since) into a float .flx: constants and shape arithmetic folded, "
                + "decomposed LayerNorm, GELU, SiLU and scaled Softmax recognized, dimension 0 of the inputs read as the batch. "
                + "An unsupported node is refused in one line naming it (exit 2); `sim inspect MODEL.onnx` lists them all. "
                + "Any command that takes a model also takes the .onnx directly.")
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL.onnx", description = "The ONNX file (external data files beside it are read).")
    Path input;

    @Option(names = {"-o", "--output"}, converter = OutputPaths.File.class, required = true, paramLabel = "FILE",
            description = "The float .flx to write.")
    Path output;

    @Override
    public Integer call() throws IOException {
        Model m = OnnxImporter.read(input);
        FlxWriter.write(output, m);
        Graph g = m.graph();
        spec.commandLine().getOut().printf("wrote %s: %s, %d layers, %s params, %s MACs, input %s%n", output, g.name(),
                g.nodes().size(), HumanFormat.count(g.totalParams()), HumanFormat.count(g.totalMacs()),
                g.inputs().get(0).name() + " " + g.inputs().get(0).shape());
        return Sim.OK;
    }
}
