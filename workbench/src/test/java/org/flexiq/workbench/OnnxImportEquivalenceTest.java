package org.flexiq.workbench;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.workloads.data.FashionMnist;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * A zoo model exported by PyTorch (tools/export_onnx.py) and imported again quantizes to the same integers:
 * same calibration, same selection, and the golden executor's int8 outputs equal the zoo model's at 0%, 50% and
 * 100% 4-bit on real test images.
 */
class OnnxImportEquivalenceTest {
    @ParameterizedTest
    @CsvSource({"fmnist-resnet, 8", "fmnist-vit, 16"})
    void quantizesToTheZooModelsIntegers(String name, int group) throws Exception {
        Assumptions.assumeTrue(FashionMnist.available(), "dataset-fashion-mnist is not installed");
        ZooModel z = ModelZoo.get(name);
        Model zoo = z.model(z.defaults(), 0);
        Model onnx = ModelSource.resolve(Path.of("../workloads/src/test/resources/onnx/" + name + ".onnx").toString()).model();
        QuantizerOptions qo = new QuantizerOptions(group, CalibrationMethod.MAX);
        ChannelSelection.Options so = new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 8, 4, 0);
        List<Double> ratios = List.of(0.5, 1.0);
        QuantizedModel a = select(zoo, qo, so, ratios);
        QuantizedModel b = select(onnx, qo, so, ratios);
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST).first(16);
        for (double r : List.of(0.0, 0.5, 1.0)) {
            GoldenExecutor ga = new GoldenExecutor(a, r, Extraction.STATIC);
            GoldenExecutor gb = new GoldenExecutor(b, r, Extraction.STATIC);
            String ia = zoo.graph().inputs().get(0).name();
            String ib = onnx.graph().inputs().get(0).name();
            for (int i = 0; i < test.size(); i++) {
                byte[] ya = ga.run(Map.of(ia, test.image(i))).values().iterator().next();
                byte[] yb = gb.run(Map.of(ib, test.image(i))).values().iterator().next();
                assertArrayEquals(ya, yb, name + " at ratio " + r + ", test image " + i);
            }
        }
    }

    private static QuantizedModel select(Model m, QuantizerOptions qo, ChannelSelection.Options so, List<Double> ratios) {
        List<Map<String, FloatTensor>> calib = CalibrationData.load("fashion-mnist:train:64", m.graph(), 0);
        QuantizedModel int8 = Quantization.int8(m, "model", calib, qo);
        return Quantization.select(int8, ratios, so, calib, 16, null, "fashion-mnist:train:64", "test").model();
    }
}
