package org.flexiq.compiler.quant;

import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The code histograms from the outputs kept while calibrating equal those of running the samples again. */
class CalibratorTest {
    @Test
    void keptOutputsCountTheSameCodesAsRunningAgain() {
        ZooModel z = ModelZoo.get("fmnist-resnet");
        Model m = BatchNormFolder.fold(z.model(z.defaults(), 0));
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 12, 2);
        QuantizedModel q = Quantizer.quantize(z.model(z.defaults(), 0), batch, new QuantizerOptions(8, CalibrationMethod.MAX));
        List<String> sites = List.copyOf(q.sites().keySet());
        Map<String, long[][]> again = Calibrator.codeHistograms(m, batch, q.scales(), q.sites().values());
        KeptOutputs probe = new KeptOutputs(sites, Long.MAX_VALUE);
        Calibrator.calibrate(m, batch.subList(0, 1), CalibrationMethod.MAX, probe);
        assertThat(probe.samples()).isEqualTo(1);
        long perSample = probe.bytes(); // every sample's site tensors have the same shapes
        assertThat(perSample).isPositive();
        // every sample kept, none, and a budget that keeps some: the same counts, and the same calibration
        for (long budget : new long[]{Long.MAX_VALUE, 0, 5 * perSample}) {
            KeptOutputs kept = new KeptOutputs(sites, budget);
            CalibrationStats stats = Calibrator.calibrate(m, batch, CalibrationMethod.MAX, kept);
            assertThat(kept.samples()).isEqualTo(budget == Long.MAX_VALUE ? 12 : budget == 0 ? 0 : 5);
            assertThat(stats.range()).isEqualTo(Calibrator.calibrate(m, batch, CalibrationMethod.MAX).range());
            Map<String, long[][]> counted = Calibrator.codeHistograms(m, batch, q.scales(), q.sites().values(), kept);
            assertThat(counted.keySet()).isEqualTo(again.keySet()).containsExactlyInAnyOrderElementsOf(sites);
            counted.forEach((t, h) -> assertThat(Arrays.deepEquals(h, again.get(t))).as(t).isTrue());
            kept.release();
            assertThat(kept.samples()).isZero();
            assertThat(kept.bytes()).isZero();
        }
        // released bytes go back to the pool: a budget of one sample keeps one sample again and again
        KeptOutputs one = new KeptOutputs(sites, perSample);
        for (int i = 0; i < 3; i++) {
            Calibrator.calibrate(m, batch, CalibrationMethod.MAX, one);
            assertThat(one.samples()).isEqualTo(1);
            one.release();
        }
    }
}
