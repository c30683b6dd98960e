package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.ModelSource;
import org.flexiq.reports.TextTable;
import org.flexiq.reports.TextTable.Align;
import org.flexiq.workloads.flx.FlxWriter;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "zoo", description = "The built-in models.", mixinStandardHelpOptions = true,
        subcommands = {ZooCommand.ListCommand.class, ZooCommand.ExportCommand.class})
final class ZooCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "List the built-in models with their parameters and MACs (default sizes).",
            mixinStandardHelpOptions = true)
    static final class ListCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<Map<String, Object>> rows = new ArrayList<>();
            TextTable t = new TextTable(List.of("model", "input", "layers", "params", "MACs", "description"),
                    List.of(Align.LEFT, Align.LEFT, Align.RIGHT, Align.RIGHT, Align.RIGHT, Align.LEFT));
            for (ZooModel z : ModelZoo.all()) {
                Graph g = z.graph(z.defaults());
                String inputs = g.inputs().stream().map(i -> i.name() + " " + i.shape()).collect(Collectors.joining(", "));
                t.row(z.name(), inputs, g.nodes().size(), HumanFormat.count(g.totalParams()), HumanFormat.count(g.totalMacs()), z.description());
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", z.name());
                r.put("description", z.description());
                r.put("inputs", g.inputs().stream().map(ZooCommand::describe).collect(Collectors.toList()));
                r.put("imageSize", z.defaults().imageSize());
                r.put("seqLen", z.defaults().seqLen());
                r.put("layers", g.nodes().size());
                r.put("params", g.totalParams());
                r.put("macs", g.totalMacs());
                rows.add(r);
            }
            out.print(json ? Json.write(rows) : t.render());
            return Sim.OK;
        }
    }

    static Map<String, Object> describe(TensorInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("shape", t.shape().dims());
        return m;
    }

    @Command(name = "export", description = "Write a zoo model as a float .flx file (deterministic synthetic weights).",
            mixinStandardHelpOptions = true)
    static final class ExportCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "MODEL", description = "Zoo model name (see: sim zoo list).")
        String name;

        @Option(names = {"-o", "--output"}, converter = OutputPaths.File.class, paramLabel = "FILE", description = "Output file (default: MODEL.flx).")
        Path output;

        @Option(names = "--seed", defaultValue = "0", description = "Weight seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--image-size", paramLabel = "N", description = "Input height and width for vision models.")
        Integer imageSize;

        @Option(names = "--synthetic", description = "Synthetic weights even where the zoo has trained ones.")
        boolean synthetic;

        @Option(names = "--seq-len", paramLabel = "N", description = "Tokens per sequence for BERT and OPT.")
        Integer seqLen;

        @Option(names = "--blocks", paramLabel = "N", description = "At most N repeats of each repeated block (ViT and BERT encoder "
                + "blocks, the blocks of each ResNet stage or MobileNetV2 setting): every layer kind and width, less depth.")
        Integer blocks;

        @Override
        public Integer call() throws IOException {
            if (!ModelZoo.contains(name)) {
                throw new BadInputException(ModelZoo.all().stream().map(ZooModel::name)
                        .collect(Collectors.joining(", ", "unknown zoo model '" + name + "'; known: ", "")));
            }
            ZooModel z = ModelZoo.get(name);
            ZooOptions options = ModelSource.zooOptions(z, imageSize, seqLen, blocks);
            Model m;
            try {
                m = synthetic ? z.syntheticModel(options, seed) : z.model(options, seed);
            } catch (IllegalArgumentException e) { // IrException too: a size the architecture cannot take
                throw new BadInputException(name + ": " + e.getMessage());
            }
            Path out = output == null ? Path.of(name + ".flx") : output;
            if (Files.isDirectory(out)) {
                throw new BadInputException(out + ": is a directory; give a file name with -o");
            }
            FlxWriter.write(out, m);
            Graph g = m.graph();
            spec.commandLine().getOut().printf("wrote %s: %s, %d layers, %s params, %s MACs, %s (%s)%n", out, z.name(),
                    g.nodes().size(), HumanFormat.count(g.totalParams()), HumanFormat.count(g.totalMacs()),
                    HumanFormat.bytes(Files.size(out)), z.trained() && !synthetic ? "trained weights" : "seed " + seed);
            return Sim.OK;
        }
    }
}
