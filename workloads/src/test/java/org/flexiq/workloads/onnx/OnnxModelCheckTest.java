package org.flexiq.workloads.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.TensorInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole models as an exporter wrote them, each a folder in the layout of ONNX's backend tests (model.onnx,
 * test_data_set_0/input_0.pb and output_0.pb, batch 1): imported, run by the float executor, compared with the
 * exporter's own output. Runs only with {@code -Donnx.models=DIR} (tools/torchvision_onnx.py writes such a folder from
 * torchvision; the files are too large to commit); prints one line per model, and fails on any model that imports but
 * computes a different output (refusals are listed, not failed).
 */
class OnnxModelCheckTest {
    @Test
    void exportedModelsImportToTheirExportersOutputs() throws IOException {
        String dir = System.getProperty("onnx.models");
        Assumptions.assumeTrue(dir != null, "no -Donnx.models=DIR given");
        List<String> wrong = new ArrayList<>();
        try (Stream<Path> models = Files.list(Path.of(dir))) {
            for (Path m : models.sorted().toList()) {
                if (!Files.exists(m.resolve("model.onnx"))) {
                    continue;
                }
                String line = check(m);
                System.out.println(m.getFileName() + ": " + line);
                if (line.startsWith("differs")) {
                    wrong.add(m.getFileName() + ": " + line);
                }
            }
        }
        assertTrue(wrong.isEmpty(), "imported but computed a different output: " + wrong);
    }

    /** "matches ...", "differs ..." or "refused: why". */
    private static String check(Path dir) throws IOException {
        Model model;
        try {
            model = OnnxImporter.read(dir.resolve("model.onnx"));
        } catch (OnnxImportException e) {
            return "refused: " + e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
        }
        TensorDecoder dec = new TensorDecoder(null);
        float[] x;
        float[] want;
        try {
            x = dec.decode(read(dir.resolve("test_data_set_0/input_0.pb")), "input").asFloats();
            want = dec.decode(read(dir.resolve("test_data_set_0/output_0.pb")), "output").asFloats();
        } catch (TensorDecoder.TensorFormatException e) {
            return "refused: " + e.getMessage();
        }
        TensorInfo in = model.graph().inputs().get(0);
        Map<String, FloatTensor> out = new FloatExecutor(model).run(Map.of(in.name(), new FloatTensor(in.shape(), x)));
        float[] got = out.values().iterator().next().data();
        if (got.length != want.length) {
            return "differs: " + got.length + " outputs, the exporter's " + want.length;
        }
        double scale = 0;
        double err = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            err = Math.max(err, Math.abs(got[i] - want[i]));
        }
        // float32 sums in another order, through tens of layers: relative to the output's largest magnitude
        String figures = String.format("max |error| %.2e, %.2e of the largest output; %d layers", err, err / scale, model.graph().nodes().size());
        return (err <= 1e-3 * scale + 1e-5 ? "matches, " : "differs, ") + figures;
    }

    private static TensorProto read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return TensorProto.parseFrom(in);
        }
    }
}
