package org.flexiq.workloads.onnx;

import org.flexiq.workloads.data.FashionMnist;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Fashion-MNIST zoo models as PyTorch's exporter wrote them (tools/export_onnx.py, opset 13, dynamic batch:
 * LayerNorm and GELU decomposed, shape arithmetic in the graph; the -folded CNN with the exporter's Conv-BN fusion;
 * the ViT again at opset 11 (Unsqueeze and Split axes as attributes) and 17 (LayerNormalization as one op)):
 * import recovers the zoo's layers and the same float outputs.
 */
class PytorchExportTest {
    static Path file(String model) {
        return Path.of("src/test/resources/onnx/" + model + ".onnx");
    }

    /**
     * Layer kinds in order, as far as they compute different things: PyTorch's exporter folds an eval-mode
     * BatchNorm into the conv before it (as our quantizer does), and a Flatten is a Reshape.
     */
    private static List<String> kinds(Graph g) {
        List<String> k = new ArrayList<>();
        for (Node n : g.nodes()) {
            String kind = n.layer().kind();
            if (!kind.equals("BatchNorm")) {
                k.add(kind.equals("Flatten") ? "Reshape" : kind);
            }
        }
        return k;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fmnist-resnet", "fmnist-resnet-folded", "fmnist-vit", "fmnist-vit-opset11", "fmnist-vit-opset17"})
    void importsTheZooGraphAndComputesItsOutputs(String file) throws Exception {
        Model imported = OnnxImporter.read(file(file));
        String name = file.replaceAll("-folded|-opset\\d+", "");
        ZooModel z = ModelZoo.get(name);
        Model zoo = z.model(z.defaults(), 0);
        assertEquals(kinds(zoo.graph()), kinds(imported.graph()), "layer kinds in order");
        assertEquals(zoo.graph().totalMacs(), imported.graph().totalMacs());
        Assumptions.assumeTrue(FashionMnist.available(), "dataset-fashion-mnist is not installed");
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST).first(20);
        FloatExecutor a = new FloatExecutor(zoo);
        FloatExecutor b = new FloatExecutor(imported);
        String inA = zoo.graph().inputs().get(0).name();
        String inB = imported.graph().inputs().get(0).name();
        for (int i = 0; i < test.size(); i++) {
            float[] ya = a.run(Map.of(inA, test.image(i))).values().iterator().next().data();
            float[] yb = b.run(Map.of(inB, test.image(i))).values().iterator().next().data();
            assertArrayEquals(ya, yb, 1e-4f, "logits of test image " + i);
        }
    }
}
