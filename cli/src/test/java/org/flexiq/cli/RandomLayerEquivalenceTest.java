package org.flexiq.cli;

import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.InfeasibleException;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.Target;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Tensor;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random layer shapes x array sizes x group widths x ratios x extraction (seeded): a first 8-bit layer
 * makes the site, the layer under test reads it at 4 bits; the compiled program must equal the golden
 * executor bit for bit, and on every third case the cycle engine must equal the fast engine layer by layer
 * (random buffering, memory bandwidth, latency and vector width) with the same outputs. Configurations
 * the compiler refuses are counted, and must stay a minority.
 */
@Tag("zoo-equivalence")
class RandomLayerEquivalenceTest {
    private static final double[] RATIOS = {0, 0.25, 0.5, 0.75, 1.0};

    @Test
    void randomConvolutionsAndMatrixProducts() {
        SplittableRandom rnd = new SplittableRandom(2026);
        int ran = 0;
        int refused = 0;
        int cycleChecked = 0;
        for (int i = 0; i < 1200; i++) {
            int rows = List.of(1, 2, 3, 4, 5, 8, 12, 16, 32).get(rnd.nextInt(9));
            int cols = List.of(1, 2, 3, 4, 7, 8, 16, 32).get(rnd.nextInt(8));
            int lanes = 2 * rows;
            int g = validGroup(rnd, lanes);
            int channels = g * rnd.nextInt(1, 5);
            Model m = rnd.nextInt(3) == 0 ? linearModel(rnd, channels) : convModel(rnd, channels);
            int spKiB = List.of(4, 8, 16, 64, 256).get(rnd.nextInt(5));
            int accKiB = List.of(1, 4, 16, 64).get(rnd.nextInt(4));
            NpuConfig machine = new NpuConfig("random", "random", rows, cols, g, spKiB, 2, accKiB, List.of(1, 8, 32).get(rnd.nextInt(3)), 1000,
                    List.of(2, 8, 64).get(rnd.nextInt(3)), List.of(0, 40).get(rnd.nextInt(2)), rnd.nextBoolean(), rnd.nextInt(4) == 0,
                    NpuConfig.DEFAULT_ENERGY_MODEL, NpuConfig.DEFAULT_DRAM, "dual-int4");
            Target target = machine.target();
            List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 3, i);
            QuantizedModel q = Quantizer.quantize(m, batch, new QuantizerOptions(g, CalibrationMethod.MAX));
            q = FlexiqLayout.apply(ChannelSelection.select(q, List.of(0.25, 0.5, 0.75, 1.0),
                    new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 2, 1, i), batch.subList(0, 2),
                    SearchProgress.NONE).model());
            NpuProgram p;
            try {
                p = NpuCompiler.compile(q, target).program();
            } catch (InfeasibleException e) {
                refused++;
                continue;
            }
            double r = RATIOS[rnd.nextInt(RATIOS.length)];
            Extraction e = rnd.nextBoolean() ? Extraction.STATIC : Extraction.DYNAMIC;
            FunctionalComparison.Outcome o = FunctionalComparison.run(q, p, r, e, batch.get(2));
            String what = "case " + i + ": " + m.graph().nodes().get(2) + " on " + machine + ", ratio " + r + ", " + e;
            assertThat(o.mismatch()).as(what).isNull();
            if (i % 3 == 0) {
                EngineEquivalenceTest.assertEnginesAgree(p, machine, NpuCompiler.profileName(r), e == Extraction.DYNAMIC ? 1 : 0,
                        FunctionalComparison.codes(new GoldenExecutor(q, r, e), p, batch.get(2)), o.golden(), what);
                cycleChecked++;
            }
            ran++;
        }
        assertThat(ran).isGreaterThan(900);
        assertThat(refused).isLessThan(300);
        assertThat(cycleChecked).isGreaterThan(300);
    }

    private static int validGroup(SplittableRandom rnd, int lanes) {
        while (true) {
            int g = 2 * rnd.nextInt(1, 33);
            if (g <= lanes || g % lanes == 0) {
                return g;
            }
        }
    }

    private static Model convModel(SplittableRandom rnd, int channels) {
        int h = rnd.nextInt(3, 18);
        int w = rnd.nextInt(3, 18);
        int k = List.of(1, 1, 2, 3, 3, 5).get(rnd.nextInt(6));
        int stride = rnd.nextInt(1, 4);
        int pad = rnd.nextInt(0, k / 2 + 1);
        int dil = k > 1 && rnd.nextInt(4) == 0 ? 2 : 1;
        if ((h + 2 * pad - dil * (k - 1) - 1) < 0 || (w + 2 * pad - dil * (k - 1) - 1) < 0) {
            k = 1;
            dil = 1;
        }
        Conv2d first = new Conv2d(channels, 3, 3, 1, 1, 1, 1, 1, 1, true);
        Conv2d tested = new Conv2d(rnd.nextInt(1, 71), k, k, stride, stride, pad, pad, dil, 1, rnd.nextBoolean());
        List<Node> nodes = List.of(new Node("first", first, List.of("image")), new Node("relu", new Relu(), List.of("first")),
                new Node("tested", tested, List.of("relu")));
        return model(Graph.of("conv", List.of(new TensorInfo("image", Shape.of(rnd.nextInt(1, 4), h, w))), nodes, List.of("tested")), rnd);
    }

    private static Model linearModel(SplittableRandom rnd, int channels) {
        List<Node> nodes = List.of(new Node("first", new Linear(channels, true), List.of("tokens")), new Node("relu", new Relu(), List.of("first")),
                new Node("tested", new Linear(rnd.nextInt(1, 90), rnd.nextBoolean()), List.of("relu")));
        Shape in = Shape.of(rnd.nextInt(1, 40), rnd.nextInt(1, 30));
        return model(Graph.of("linear", List.of(new TensorInfo("tokens", in)), nodes, List.of("tested")), rnd);
    }

    /** Gaussian weights with log-normal scales per output channel, as trained networks have. */
    private static Model model(Graph g, SplittableRandom rnd) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            for (ParamSpec s : g.params(n)) {
                float[] v = new float[s.shape().elementCount()];
                int per = v.length / s.shape().dim(0);
                for (int o = 0; o < s.shape().dim(0); o++) {
                    double scale = Math.exp(rnd.nextGaussian() * 0.8) / Math.sqrt(per);
                    for (int j = 0; j < per; j++) {
                        v[o * per + j] = (float) (rnd.nextGaussian() * scale);
                    }
                }
                tensors.put(s.tensorName(n.name()), new FloatTensor(s.shape(), v));
            }
        }
        return new Model(g, new MapTensorSource(tensors), Map.of());
    }
}
