package org.flexiq.workbench;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.BitExtractor;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.quant.Site;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Selecting again from a quantized file keeps the file's choices: here, static shifts judged at the outputs. */
class ReselectionTest {
    @Test
    void aFileWithJudgedShiftsIsSelectedAgainWithShiftsJudgedForItsNewGroups() {
        ZooModel z = ModelZoo.get("fmnist-resnet");
        Model m = z.model(z.defaults(), 0);
        String spec = "synthetic:12";
        List<Map<String, FloatTensor>> calib = CalibrationData.load(spec, m.graph(), 0);
        QuantizedModel int8 = Quantization.int8(m, "fmnist-resnet", calib, new QuantizerOptions(8, CalibrationMethod.MAX, true));
        QuantizedModel q = Quantization.select(int8, List.of(0.5, 1.0), new ChannelSelection.Options(ChannelSelection.Method.GREEDY,
                        Extraction.STATIC, 4, 1, 0, ChannelSelection.Budget.LAYER, ChannelSelection.Fitness.OUTPUTS, ChannelSelection.StaticShifts.OUTPUTS),
                calib, 8, SearchProgress.NONE, spec, "fmnist-resnet").model();
        assertThat(ChannelSelection.StaticShifts.recorded(q)).isEqualTo(ChannelSelection.StaticShifts.OUTPUTS);

        QuantizedModel random = Reselection.of(q, "q.flx", ChannelSelection.Method.RANDOM, 4, 1, 8, SearchProgress.NONE);
        assertThat(ChannelSelection.StaticShifts.recorded(random)).isEqualTo(ChannelSelection.StaticShifts.OUTPUTS);
        assertThat(random.sites().values()).allSatisfy(s -> assertThat(s.judgedShift()).as(s.tensor()).isNotNull());
        // every 4-bit group of the new order holds one judged shift, and the model runs
        for (Site s : random.sites().values()) {
            assertThat(BitExtractor.staticShifts(s, 8, Extraction.STATIC)).hasSize(s.channels() / 8);
        }
        assertThat(new GoldenExecutor(random, 1.0, Extraction.STATIC).run(calib.get(0))).isNotEmpty();

        // a greedy re-selection judges the same groups from the same samples: the file's shifts, so the same bits
        QuantizedModel greedy = Reselection.of(q, "q.flx", ChannelSelection.Method.GREEDY, 4, 1, 8, SearchProgress.NONE);
        for (double r : List.of(0.5, 1.0)) {
            for (Map<String, FloatTensor> x : calib.subList(0, 3)) {
                assertThat(new GoldenExecutor(greedy, r, Extraction.STATIC).run(x).get("fc"))
                        .isEqualTo(new GoldenExecutor(q, r, Extraction.STATIC).run(x).get("fc"));
            }
        }
    }
}
