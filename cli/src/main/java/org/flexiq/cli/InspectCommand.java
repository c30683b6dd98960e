package org.flexiq.cli;

import org.flexiq.workbench.ModelSource;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;
import org.flexiq.reports.TextTable;
import org.flexiq.reports.TextTable.Align;
import org.flexiq.workloads.flx.FlxFile;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.onnx.OnnxImport;
import org.flexiq.workloads.onnx.OnnxImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Check a .flx file (magic, version, CRCs, graph, parameter shapes) and show its layers, "
                + "shapes, parameters and MACs. An .onnx file shows what import makes of it and lists every unsupported "
                + "node (exit 2 when there is one). A zoo name shows the zoo model.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A .flx or .onnx file, or a zoo model name.")
    String model;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        OnnxImport onnx = null;
        ModelSource arg;
        if (ModelSource.isOnnx(Path.of(model))) {
            onnx = OnnxImporter.survey(Path.of(model));
            if (onnx.model() == null) {
                if (json) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("file", model);
                    r.put("onnx", Map.of("opset", onnx.opset(), "producer", onnx.producer(), "nodes", onnx.onnxNodes()));
                    r.put("unsupported", onnx.unsupported());
                    out.print(Json.write(r));
                } else {
                    out.printf("%s: ONNX opset %d, %s, %d nodes; %d not supported:%n", model, onnx.opset(), onnx.producer(),
                            onnx.onnxNodes(), onnx.unsupported().size());
                    onnx.unsupported().forEach(u -> out.println("  " + u));
                }
                out.flush();
                spec.commandLine().getErr().printf("sim: %s: %d unsupported node(s), listed above; the first: %s%n", model,
                        onnx.unsupported().size(), onnx.unsupported().get(0));
                return Sim.BAD_INPUT;
            }
            arg = new ModelSource(model, onnx.model(), null);
        } else {
            arg = ModelSource.resolve(model);
        }
        Graph g = arg.model().graph();
        List<Map<String, Object>> layers = new ArrayList<>();
        TextTable t = new TextTable(List.of("#", "layer", "kind", "inputs", "output", "params", "MACs"),
                List.of(Align.RIGHT, Align.LEFT, Align.LEFT, Align.LEFT, Align.LEFT, Align.RIGHT, Align.RIGHT));
        int i = 0;
        for (Node n : g.nodes()) {
            String inputs = g.inputShapes(n).stream().map(Shape::toString).collect(Collectors.joining(" "));
            t.row(i++, n.name(), n.layer().kind(), inputs, g.shape(n.name()), HumanFormat.count(g.paramCount(n)), HumanFormat.count(g.macs(n)));
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", n.name());
            l.put("kind", n.layer().kind());
            l.put("layer", Json.tree(n.layer(), org.flexiq.workloads.ir.Layer.class));
            l.put("inputs", n.inputs());
            l.put("inputShapes", g.inputShapes(n).stream().map(Shape::dims).collect(Collectors.toList()));
            l.put("outputShape", g.shape(n.name()).dims());
            l.put("params", g.paramCount(n));
            l.put("macs", g.macs(n));
            layers.add(l);
        }
        t.footer("", "total", "", "", "", HumanFormat.count(g.totalParams()), HumanFormat.count(g.totalMacs()));
        FlxFile f = arg.file();
        QuantizedModel q = f != null && f.quantized() ? QuantizedFlx.read(f.path()) : null;
        List<String> checks = f == null ? List.of(onnx != null ? "every ONNX node imported" : "graph (acyclic, all shapes inferred)",
                "graph (acyclic, all shapes inferred)").subList(onnx != null ? 0 : 1, 2) : List.of(
                "magic", "version " + f.version(), "header CRC32", "graph (acyclic, all shapes inferred)",
                f.tensors().size() + " tensor CRC32s", "tensor offsets, sizes and alignment",
                q == null ? "parameter shapes" : "quantization section (scales, integer parameters, sites, permutations)");
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", g.name());
            if (f != null) {
                r.put("file", f.path().toString());
                r.put("version", f.version());
                r.put("sizeBytes", f.sizeBytes());
                r.put("headerBytes", f.headerBytes());
                r.put("tensors", f.tensors().size());
            }
            if (onnx != null) {
                r.put("onnx", Map.of("opset", onnx.opset(), "producer", onnx.producer(), "nodes", onnx.onnxNodes(),
                        "folded", onnx.folded(), "patterns", onnx.patterns()));
            }
            r.put("metadata", new java.util.TreeMap<>(arg.model().metadata()));
            r.put("inputs", g.inputs().stream().map(ZooCommand::describe).collect(Collectors.toList()));
            r.put("outputs", g.outputs());
            r.put("checksPassed", checks);
            r.put("params", g.totalParams());
            r.put("macs", g.totalMacs());
            r.put("layers", layers);
            if (q != null) {
                r.put("quantization", quantizationSummary(q));
            }
            out.print(Json.write(r));
            return Sim.OK;
        }
        if (f != null) {
            out.printf("%s: .flx version %d, %s, header %s, %d tensors%n", f.path(), f.version(),
                    HumanFormat.bytes(f.sizeBytes()), HumanFormat.bytes(f.headerBytes()), f.tensors().size());
        }
        if (onnx != null) {
            out.printf("%s: ONNX opset %d, %s: %d nodes -> %d layers (%d nodes folded at import, %d decomposed patterns recognized)%n",
                    model, onnx.opset(), onnx.producer(), onnx.onnxNodes(), g.nodes().size(), onnx.folded(), onnx.patterns());
        }
        out.printf("model: %s   inputs: %s   outputs: %s%n", g.name(),
                g.inputs().stream().map(x -> x.name() + " " + x.shape()).collect(Collectors.joining(", ")),
                g.outputs().stream().map(o -> o + " " + g.shape(o)).collect(Collectors.joining(", ")));
        if (!arg.model().metadata().isEmpty()) {
            out.println("metadata: " + new java.util.TreeMap<>(arg.model().metadata()).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        out.println("checks passed: " + String.join(", ", checks));
        out.println();
        out.print(t.render());
        if (q != null) {
            printQuantization(out, q);
        }
        return Sim.OK;
    }

    private static void printQuantization(PrintWriter out, QuantizedModel q) {
        long folded = q.sites().values().stream().filter(s -> s.producer() != null).count();
        long reorders = q.sites().values().stream().filter(s -> s.gather() != null).count();
        out.printf(java.util.Locale.ROOT, "%nquantized: G = %d, ratios %s, %d sites (order folded into the producer at %d, reorder step at %d)%n",
                q.groupWidth(), q.ratios(), q.sites().size(), folded, reorders);
        List<String> headers = new ArrayList<>(List.of("layer", "site", "channels"));
        List<Align> aligns = new ArrayList<>(List.of(Align.LEFT, Align.LEFT, Align.RIGHT));
        for (double r : q.ratios()) {
            headers.add(String.format(java.util.Locale.ROOT, "MAX_4BIT_CH @%.2f", r));
            aligns.add(Align.RIGHT);
        }
        TextTable t = new TextTable(headers, aligns);
        for (Site s : q.sites().values()) {
            for (String c : s.consumers()) {
                List<Object> row = new ArrayList<>(List.of(c, s.tensor() + (s.gather() != null ? " (reorder)" : ""), s.channels()));
                for (int n : s.fourBitChannels()) {
                    row.add(n);
                }
                t.row(row.toArray());
            }
        }
        out.print(t.render());
    }

    private static Map<String, Object> quantizationSummary(QuantizedModel q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("groupWidth", q.groupWidth());
        m.put("ratios", q.ratios());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Site s : q.sites().values()) {
            for (String c : s.consumers()) {
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("layer", c);
                l.put("site", s.tensor());
                l.put("reorder", s.gather() != null);
                l.put("channels", s.channels());
                l.put("max4bitChannels", s.fourBitChannels());
                layers.add(l);
            }
        }
        m.put("layers", layers);
        return m;
    }
}
