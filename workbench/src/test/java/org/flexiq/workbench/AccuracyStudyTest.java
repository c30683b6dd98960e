package org.flexiq.workbench;

import org.flexiq.compiler.eval.Accuracy;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.workloads.data.DataSpec;
import org.flexiq.workloads.data.FashionMnist;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** sim accuracy's flow: every top-1 recomputed here from the golden and float executors on the same real images. */
class AccuracyStudyTest {
    @Test
    void everyPointIsTheGoldenExecutorsTop1AndRatioZeroIsTheInt8Models() throws Exception {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        ZooModel z = ModelZoo.get("fmnist-resnet");
        Model m = z.model(z.defaults(), 0);
        String spec = "fashion-mnist:train:32";
        List<Map<String, FloatTensor>> calib = CalibrationData.load(spec, m.graph(), 0);
        QuantizedModel int8 = Quantization.int8(m, "fmnist-resnet", calib, new QuantizerOptions(8, CalibrationMethod.MAX));
        List<Double> stored = List.of(0.5, 1.0);
        QuantizedModel q = Quantization.select(int8, stored, new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 1, 0),
                calib, 16, SearchProgress.NONE, spec, "fmnist-resnet").model();
        LabeledImages images = DataSpec.parse("fashion-mnist:test:150").load();
        List<Double> ratios = List.of(0.0, 1.0, 0.5);
        List<Extraction> extractions = List.of(Extraction.DYNAMIC, Extraction.NAIVE);
        List<ChannelSelection.Method> methods = List.of(ChannelSelection.Method.GREEDY, ChannelSelection.Method.RANDOM);
        List<String> stages = new ArrayList<>();

        AccuracyStudy s = AccuracyStudy.run(q, "q.flx", AccuracyStudy.floatBaseline(q, null), images,
                new AccuracyStudy.Plan(ratios, methods, extractions, 4, 1, 16), stages::add, SearchProgress.NONE);

        assertThat(s.model()).isEqualTo("fmnist-resnet");
        assertThat(s.images()).isEqualTo(150);
        assertThat(s.groupWidth()).isEqualTo(8);
        // the recorded source is a zoo name, so the float baseline is found without --float
        assertThat(s.floatTop1()).isEqualTo(Accuracy.floatTop1(m, images));
        assertThat(s.int8Top1()).isEqualTo(Accuracy.goldenTop1(new GoldenExecutor(q, 0, Extraction.STATIC), images));
        QuantizedModel random = Reselection.of(q, "q.flx", ChannelSelection.Method.RANDOM, 4, 1, 16, SearchProgress.NONE);
        assertThat(s.points()).hasSize(methods.size() * extractions.size() * ratios.size());
        int i = 0;
        for (ChannelSelection.Method method : methods) {
            QuantizedModel selected = method == ChannelSelection.Method.GREEDY ? q : random;
            for (Extraction e : extractions) {
                for (double r : ratios) {
                    AccuracyStudy.Point p = s.points().get(i++);
                    assertThat(p.method()).isEqualTo(method);
                    assertThat(p.extraction()).isEqualTo(e);
                    assertThat(p.ratio()).isEqualTo(r);
                    assertThat(p.top1()).as(method + ", " + e + ", " + r)
                            .isEqualTo(r == 0 ? s.int8Top1() : Accuracy.goldenTop1(new GoldenExecutor(selected, r, e), images));
                }
            }
        }
        // naive extraction (4 bits from the top of the 8-bit code) loses more than FlexiQ's dynamic extraction at 100% 4-bit
        assertThat(s.points().get(4).top1()).isLessThan(s.points().get(1).top1());
        assertThat(stages).contains("float and 8-bit baselines", "selection: random", "accuracy: greedy, naive, ratio 0.5");

        assertThatThrownBy(() -> AccuracyStudy.run(q, "q.flx", null, images, new AccuracyStudy.Plan(List.of(0.25), methods, extractions, 4, 1, 16),
                x -> { }, SearchProgress.NONE)).isInstanceOf(BadInputException.class).hasMessageStartingWith("q.flx: ratio 0.25 is not stored");
        assertThatThrownBy(() -> AccuracyStudy.floatBaseline(q, "no-such-model")).isInstanceOf(BadInputException.class);
    }
}
