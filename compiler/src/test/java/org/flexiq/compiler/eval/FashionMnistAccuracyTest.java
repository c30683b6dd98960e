package org.flexiq.compiler.eval;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.compiler.select.StageReport;
import org.flexiq.workloads.data.FashionMnist;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Really trained models on the full 10,000-image Fashion-MNIST test set, fixed seeds. The floors are the
 * issue's: float accuracy, 8-bit within 0.5 pp of float, effective extraction better than naive at 100%
 * 4-bit, and an evolutionary search never worse than greedy. Figures are in compiler/README.md.
 */
@Tag("accuracy")
class FashionMnistAccuracyTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // model,        G,  float floor
            "fmnist-resnet,  8,  0.91",
            "fmnist-vit,     16, 0.87",
    })
    void trainedModelsKeepTheirAccuracy(String name, int group, double floatFloor) {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        ZooModel z = ModelZoo.get(name);
        Model m = z.model(z.defaults(), 0);
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST);
        LabeledImages calib = FashionMnist.load(FashionMnist.Split.TRAIN).first(512);
        List<Map<String, FloatTensor>> samples = new ArrayList<>();
        for (int i = 0; i < calib.size(); i++) {
            samples.add(Map.of("image", calib.image(i)));
        }
        double fp = Accuracy.floatTop1(m, test);
        QuantizedModel int8 = Quantizer.quantize(m, samples, new QuantizerOptions(group, CalibrationMethod.MAX));
        double q8 = Accuracy.goldenTop1(new GoldenExecutor(int8, 0, Extraction.STATIC), test);
        QuantizedModel greedy = ChannelSelection.select(int8, List.of(0.5, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 0, 0, 0), samples, SearchProgress.NONE).model();
        double effective = Accuracy.goldenTop1(new GoldenExecutor(greedy, 1.0, Extraction.STATIC), test);
        double naive = Accuracy.goldenTop1(new GoldenExecutor(greedy, 1.0, Extraction.NAIVE), test);
        System.out.printf("%s: float %.4f, int8 %.4f, 100%% 4-bit effective %.4f, naive %.4f%n", name, fp, q8, effective, naive);
        assertThat(fp).isGreaterThanOrEqualTo(floatFloor);
        assertThat(q8).as("8-bit within 0.5 pp of float").isGreaterThanOrEqualTo(fp - 0.005);
        assertThat(effective).as("effective extraction beats naive at 100%% 4-bit").isGreaterThan(naive);

        ChannelSelection.Result evo = ChannelSelection.select(int8, List.of(0.5, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.EVOLUTIONARY, Extraction.STATIC, 10, 5, 0),
                samples.subList(0, 64), SearchProgress.NONE);
        for (StageReport s : evo.stages()) {
            assertThat(s.bestFitness()).isLessThanOrEqualTo(s.greedyFitness());
        }
    }
}
