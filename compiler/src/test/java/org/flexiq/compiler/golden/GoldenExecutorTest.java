package org.flexiq.compiler.golden;

import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.compiler.quant.BitExtractor;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.quant.Site;
import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class GoldenExecutorTest {
    /**
     * y = 0.5 x0 - 0.25 x1 + 0.1 on x = (1, 2), calibrated on that input:
     * s_in = 2/127, s_w = 0.5/127, s_out = 0.1/127; x8 = (64, 127) (63.5 rounds away from zero),
     * w8 = (127, -64), bias = round(0.1 / (s_in s_w)) = round(1612.9) = 1613,
     * acc = 8128 - 8128 + 1613 = 1613, M = s_in s_w / s_out = 10/127, out = round(127.008) = 127.
     */
    @Test
    void aHandComputedLinearLayer() {
        Graph g = Graph.of("hand", List.of(new TensorInfo("x", Shape.of(2))),
                List.of(new Node("fc", new Linear(1, true), List.of("x"))), List.of("fc"));
        Model m = new Model(g, new MapTensorSource(Map.of(
                "fc.weight", new FloatTensor(Shape.of(1, 2), new float[]{0.5f, -0.25f}),
                "fc.bias", new FloatTensor(Shape.of(1), new float[]{0.1f}))), Map.of());
        Map<String, FloatTensor> in = Map.of("x", new FloatTensor(Shape.of(2), new float[]{1, 2}));
        QuantizedModel q = Quantizer.quantize(m, List.of(in), new QuantizerOptions(1, CalibrationMethod.MAX));
        NodeQuant.Gemm fc = (NodeQuant.Gemm) q.nodes().get("fc");
        assertThat(fc.weight()).containsExactly(127, -64);
        assertThat(fc.bias()).containsExactly(1613);
        GoldenExecutor e = new GoldenExecutor(q, 0, Extraction.STATIC);
        assertThat(e.inputs(in).tensor("x")).containsExactly(64, 127);
        assertThat(e.run(in).get("fc")).containsExactly(127);
    }

    /**
     * The executor sums products of the values 4-bit codes stand for; the NPU sums 4-bit products per group
     * and shifts each partial sum left by (activation shift + weight shift). Both must give the same int32.
     */
    @Test
    void mixedPrecisionEqualsShiftedGroupPartialSums() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 300; trial++) {
            int gw = 1 << r.nextInt(4);
            int groups = 1 + r.nextInt(4);
            int c = gw * groups;
            int out = 1 + r.nextInt(4);
            int rows = 1 + r.nextInt(3);
            byte[] w = new byte[out * c];
            byte[] x = new byte[rows * c];
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) r.nextInt(-128, 128);
            }
            int[] cm = new int[c];
            for (int i = 0; i < x.length; i++) {
                x[i] = (byte) (r.nextInt(-128, 128) >> r.nextInt(6)); // varied magnitudes
                cm[i % c] = Math.max(cm[i % c], Math.abs(x[i]));
            }
            int[] order = Site.identity(c);
            for (int i = c - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            int fourBit = gw * r.nextInt(groups + 1);
            Site site = new Site("x", 1, c, List.of("fc"), cm, order, new int[]{fourBit}, null, null, null, FourBit.Codes.SIGNED);
            FixedPoint one = FixedPoint.of(1);
            FixedPoint[] rq = new FixedPoint[out];
            java.util.Arrays.fill(rq, one);
            NodeQuant.Gemm q = new NodeQuant.Gemm(w, new int[out], rq, out, c, 1);
            for (Extraction e : Extraction.values()) {
                SiteLowering low = new SiteLowering(site, fourBit, gw, e);
                int[] xv = low.activations(x, Shape.of(rows, c));
                int[] wv = low.weights(q);
                int[] aShift = BitExtractor.staticShifts(site, gw, e);
                int[] wShift = BitExtractor.weightShifts(q, site, gw, e == Extraction.NAIVE ? e : Extraction.STATIC);
                for (int row = 0; row < rows; row++) {
                    for (int o = 0; o < out; o++) {
                        int golden = 0;
                        for (int k = 0; k < c; k++) {
                            golden += xv[row * c + k] * wv[o * c + k];
                        }
                        int npu = 0;
                        for (int i = fourBit; i < c; i++) {
                            int ch = order[i];
                            npu += x[row * c + ch] * w[o * c + ch];
                        }
                        for (int g = 0; g < fourBit / gw; g++) {
                            int or = 0;
                            for (int i = g * gw; i < (g + 1) * gw; i++) {
                                or |= Math.abs(x[row * c + order[i]]);
                            }
                            int p = e == Extraction.DYNAMIC ? FourBit.effectiveShift(or) : aShift[g];
                            int partial = 0;
                            for (int i = g * gw; i < (g + 1) * gw; i++) {
                                int ch = order[i];
                                partial += FourBit.lower(x[row * c + ch], p) * FourBit.lower(w[o * c + ch], wShift[o * groups + g]);
                            }
                            npu += partial << (p + wShift[o * groups + g]);
                        }
                        assertThat(golden).as("trial %d, %s", trial, e).isEqualTo(npu);
                    }
                }
            }
        }
    }

    @Test
    void int8OutputsStayCloseToTheFloatModel() {
        for (String name : List.of("mlp", "fmnist-resnet", "resnet18", "vit-s16")) { // resnet18: MaxPool, GlobalAvgPool
            ZooModel z = ModelZoo.get(name);
            Model m = name.equals("vit-s16") || name.equals("resnet18") ? z.model(new ZooOptions(32, 1), 0) : z.model(z.defaults(), 0);
            List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 24, 3);
            QuantizedModel q = Quantizer.quantize(m, batch.subList(0, 16), new QuantizerOptions(1, CalibrationMethod.MAX));
            GoldenExecutor golden = new GoldenExecutor(q, 0, Extraction.STATIC);
            FloatExecutor reference = new FloatExecutor(m);
            double err = 0;
            double norm = 0;
            for (Map<String, FloatTensor> s : batch.subList(16, 24)) { // held-out samples
                String out = m.graph().outputs().get(0);
                float[] want = reference.run(s).get(out).data();
                float[] got = golden.runDequantized(s).get(out);
                for (int i = 0; i < want.length; i++) {
                    err += (got[i] - want[i]) * (got[i] - want[i]);
                    norm += want[i] * want[i];
                }
            }
            double relative = Math.sqrt(err / norm);
            System.out.printf("%s: int8 relative L2 error %.4f%n", name, relative);
            // Synthetic deep models (log-normal channel spread, 8 and 12 blocks) accumulate more int8 error than
            // the trained fmnist-resnet; measured: mlp 0.024, fmnist-resnet 0.029, resnet18 0.154, vit-s16 0.181.
            double bound = switch (name) {
                case "resnet18" -> 0.2;
                case "vit-s16" -> 0.25;
                default -> 0.05;
            };
            assertThat(relative).as(name).isLessThan(bound);
        }
    }
}
