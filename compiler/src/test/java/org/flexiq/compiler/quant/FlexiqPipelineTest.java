package org.flexiq.compiler.quant;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.compiler.select.StageReport;
import org.flexiq.workloads.flx.FlxFormatException;
import org.flexiq.workloads.flx.FlxWriter;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Selection, layout and file round trip on a residual CNN and a transformer (synthetic inputs, fast). */
class FlexiqPipelineTest {
    static final List<Double> RATIOS = List.of(0.25, 0.5, 0.75, 1.0);
    static List<Map<String, FloatTensor>> cnnBatch;
    static QuantizedModel cnn;
    static List<Map<String, FloatTensor>> vitBatch;
    static QuantizedModel vit;

    @BeforeAll
    static void quantize() {
        ZooModel r = ModelZoo.get("fmnist-resnet");
        Model rm = r.model(r.defaults(), 0);
        cnnBatch = SyntheticInputs.batch(rm.graph(), 24, 1);
        cnn = Quantizer.quantize(rm, cnnBatch, new QuantizerOptions(8, CalibrationMethod.MAX));
        ZooModel v = ModelZoo.get("deit-s");
        Model vm = v.model(new ZooOptions(32, 1, 2), 0); // two encoder blocks: every layer of DeiT-S, a sixth of its weights
        vitBatch = SyntheticInputs.batch(vm.graph(), 6, 1);
        vit = Quantizer.quantize(vm, vitBatch, new QuantizerOptions(64, CalibrationMethod.MAX));
    }

    private static ChannelSelection.Result select(QuantizedModel m, ChannelSelection.Method method, List<Map<String, FloatTensor>> batch) {
        return ChannelSelection.select(m, RATIOS, new ChannelSelection.Options(method, Extraction.STATIC, 8, 4, 7), batch, SearchProgress.NONE);
    }

    @Test
    void selectionsAreNestedAndGrouped() {
        for (ChannelSelection.Method method : ChannelSelection.Method.values()) {
            QuantizedModel s = select(cnn, method, cnnBatch.subList(0, 8)).model();
            assertThat(s.ratios()).isEqualTo(RATIOS);
            for (Site site : s.sites().values()) {
                int[] counts = site.fourBitChannels();
                Set<Integer> seen = new HashSet<>();
                for (int c : site.order()) {
                    seen.add(c);
                }
                assertThat(seen).as("order is a permutation").hasSize(site.channels());
                for (int r = 0; r < counts.length; r++) {
                    assertThat(counts[r] % 8).isZero();
                    assertThat(counts[r]).isEqualTo((int) Math.round(RATIOS.get(r) * site.channels() / 8) * 8);
                    if (r > 0) {
                        assertThat(counts[r]).isGreaterThanOrEqualTo(counts[r - 1]); // prefixes of one order: nested
                    }
                }
                assertThat(counts[counts.length - 1]).isEqualTo(site.channels());
            }
        }
    }

    @Test
    void aModelWideBudgetNestsAndHoldsEachRatiosShareOfTheMacs() {
        for (ChannelSelection.Method method : ChannelSelection.Method.values()) {
            QuantizedModel s = ChannelSelection.select(cnn, RATIOS, new ChannelSelection.Options(method, Extraction.STATIC, 8, 4, 7,
                    ChannelSelection.Budget.MODEL), cnnBatch.subList(0, 8), SearchProgress.NONE).model();
            assertThat(s.metadata()).containsEntry("flexiq.selection.budget", "model");
            double total = 0;
            double[] fourBit = new double[RATIOS.size()];
            for (Site site : s.sites().values()) {
                // MACs per channel of the site, over its consumers
                double perChannel = 0;
                for (String consumer : site.consumers()) {
                    perChannel += s.graph().macs(s.graph().node(consumer)) / (double) site.channels();
                }
                total += perChannel * site.channels();
                int[] counts = site.fourBitChannels();
                for (int r = 0; r < counts.length; r++) {
                    assertThat(counts[r] % 8).isZero();
                    if (r > 0) {
                        assertThat(counts[r]).isGreaterThanOrEqualTo(counts[r - 1]);
                    }
                    fourBit[r] += perChannel * counts[r];
                }
            }
            for (int r = 0; r < RATIOS.size(); r++) {
                // at least the ratio's share, and less than one more group of the costliest site beyond it
                assertThat(fourBit[r] / total).as(method + " at " + RATIOS.get(r)).isGreaterThanOrEqualTo(RATIOS.get(r) - 1e-9)
                        .isLessThan(RATIOS.get(r) + 0.2);
            }
            assertThat(fourBit[RATIOS.size() - 1]).isEqualTo(total);
        }
        // not every site at the same share: the budget moves groups to where they cost least per MAC
        QuantizedModel g = ChannelSelection.select(cnn, RATIOS, new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC,
                8, 4, 7, ChannelSelection.Budget.MODEL), cnnBatch.subList(0, 8), SearchProgress.NONE).model();
        assertThat(g.sites().values().stream().map(x -> x.fourBitChannels()[1] * 1000 / x.channels()).distinct().count()).isGreaterThan(1);
    }

    /**
     * The fitness, computed here from the golden executor's outputs: the mean over samples of the squared L2 distance
     * to the 8-bit outputs, of the softmax over the last axis (the paper's soft labels) or of the outputs themselves.
     */
    @Test
    void theFitnessComparesSoftLabelsOrTheOutputsThemselves() {
        List<Map<String, FloatTensor>> batch = cnnBatch.subList(0, 6);
        QuantizedModel s = ChannelSelection.select(cnn, RATIOS, new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC,
                8, 4, 7, ChannelSelection.Budget.LAYER, ChannelSelection.Fitness.OUTPUTS), batch, SearchProgress.NONE).model();
        assertThat(s.metadata()).containsEntry("flexiq.selection.fitness", "outputs");
        GoldenExecutor eight = new GoldenExecutor(s, 0, Extraction.STATIC);
        GoldenExecutor half = new GoldenExecutor(s, 0.5, Extraction.STATIC);
        String out = s.graph().outputs().get(0);
        int classes = s.graph().shape(out).last();
        double soft = 0;
        double raw = 0;
        for (Map<String, FloatTensor> x : batch) {
            float[] want = eight.runDequantized(x).get(out);
            float[] got = half.runDequantized(x).get(out);
            assertThat(got.length % classes).isZero();
            for (int row = 0; row < got.length; row += classes) {
                double[] p = softmax(want, row, classes);
                double[] q = softmax(got, row, classes);
                for (int k = 0; k < classes; k++) {
                    soft += (q[k] - p[k]) * (q[k] - p[k]);
                    raw += (got[row + k] - want[row + k]) * (double) (got[row + k] - want[row + k]);
                }
            }
        }
        soft /= batch.size();
        raw /= batch.size();
        assertThat(raw).isPositive();
        assertThat(soft).isPositive().isLessThan(raw);
        assertThat(ChannelSelection.fitness(s, 0.5, Extraction.STATIC, ChannelSelection.Fitness.OUTPUTS, batch)).isCloseTo(raw, within(1e-9 * raw));
        assertThat(ChannelSelection.fitness(s, 0.5, Extraction.STATIC, ChannelSelection.Fitness.SOFTMAX, batch)).isCloseTo(soft, within(1e-6 * soft));
        assertThat(ChannelSelection.Fitness.recorded(s)).isEqualTo(ChannelSelection.Fitness.OUTPUTS);
        assertThatThrownBy(() -> ChannelSelection.Fitness.parse("kl")).hasMessage("fitness 'kl': expected softmax or outputs");
    }

    private static double[] softmax(float[] v, int from, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, v[from + k]);
        }
        double sum = 0;
        double[] p = new double[n];
        for (int k = 0; k < n; k++) {
            p[k] = Math.exp(v[from + k] - max);
            sum += p[k];
        }
        for (int k = 0; k < n; k++) {
            p[k] /= sum;
        }
        return p;
    }

    @Test
    void evolutionaryFitnessIsNeverWorseThanGreedyAndSearchIsDeterministic() {
        ChannelSelection.Result a = select(cnn, ChannelSelection.Method.EVOLUTIONARY, cnnBatch.subList(0, 8));
        assertThat(a.stages()).isNotEmpty();
        for (StageReport s : a.stages()) {
            assertThat(s.bestFitness()).as("ratio %s", s.ratio()).isLessThanOrEqualTo(s.greedyFitness());
            assertThat(s.cacheHits()).as("children resume from cached activations").isPositive();
        }
        ChannelSelection.Result b = select(cnn, ChannelSelection.Method.EVOLUTIONARY, cnnBatch.subList(0, 8));
        for (String t : a.model().sites().keySet()) {
            assertThat(b.model().sites().get(t).order()).isEqualTo(a.model().sites().get(t).order());
        }
    }

    /** Reordering is pure layout: the stored model computes the same bits at every ratio and extraction. */
    @Test
    void layoutChangesNoBitAtAnyRatio() {
        for (QuantizedModel base : List.of(cnn, vit)) {
            List<Map<String, FloatTensor>> batch = base == cnn ? cnnBatch.subList(0, 6) : vitBatch.subList(0, 2);
            QuantizedModel selected = select(base, ChannelSelection.Method.GREEDY, batch).model();
            QuantizedModel laid = FlexiqLayout.apply(selected);
            long reorders = laid.sites().values().stream().filter(s -> s.gather() != null).count();
            long folded = laid.sites().values().stream().filter(s -> s.producer() != null).count();
            assertThat(reorders).as("residual joins need reorder steps").isPositive();
            assertThat(folded).as("single-reader chains fold the order into the producer").isPositive();
            for (double r : List.of(0.0, 0.25, 0.5, 1.0)) {
                for (Extraction e : Extraction.values()) {
                    GoldenExecutor before = new GoldenExecutor(selected, r, e);
                    GoldenExecutor after = new GoldenExecutor(laid, r, e);
                    for (Map<String, FloatTensor> s : batch) {
                        Map<String, byte[]> x = before.run(s);
                        Map<String, byte[]> y = after.run(s);
                        for (String o : x.keySet()) {
                            assertThat(y.get(o)).as("%s ratio %s %s", base.graph().name(), r, e).isEqualTo(x.get(o));
                        }
                    }
                }
            }
            // at ratio 0 the channel order cannot matter at all
            assertThat(new GoldenExecutor(laid, 0, Extraction.STATIC).run(batch.get(0)).values().iterator().next())
                    .isEqualTo(new GoldenExecutor(base, 0, Extraction.STATIC).run(batch.get(0)).values().iterator().next());
            // a laid-out model selected again (a re-selection from a file, with another method) and laid out again: its
            // earlier gathers stay, composed with the new order, even where a site's new order is the identity
            QuantizedModel again = select(laid, ChannelSelection.Method.RANDOM, batch).model();
            QuantizedModel twice = FlexiqLayout.apply(again);
            for (double r : List.of(0.0, 0.5, 1.0)) {
                for (Map<String, FloatTensor> s : batch.subList(0, 2)) {
                    assertThat(new GoldenExecutor(twice, r, Extraction.STATIC).run(s).values().iterator().next()).as("%s ratio %s, laid out twice", base.graph().name(), r)
                            .isEqualTo(new GoldenExecutor(again, r, Extraction.STATIC).run(s).values().iterator().next());
                }
            }
            assertThat(new GoldenExecutor(twice, 0, Extraction.STATIC).run(batch.get(0)).values().iterator().next())
                    .isEqualTo(new GoldenExecutor(base, 0, Extraction.STATIC).run(batch.get(0)).values().iterator().next());
        }
    }

    @Test
    void quantizedFilesRoundTripBitExactly(@TempDir Path dir) throws Exception {
        QuantizedModel laid = FlexiqLayout.apply(select(vit, ChannelSelection.Method.GREEDY, vitBatch.subList(0, 2)).model());
        Path f = dir.resolve("vit.q.flx");
        QuantizedFlx.write(f, laid);
        QuantizedModel back = QuantizedFlx.read(f);
        assertThat(back.ratios()).isEqualTo(laid.ratios());
        for (double r : List.of(0.0, 0.5, 1.0)) {
            byte[] a = new GoldenExecutor(laid, r, Extraction.DYNAMIC).run(vitBatch.get(5)).get("head");
            byte[] b = new GoldenExecutor(back, r, Extraction.DYNAMIC).run(vitBatch.get(5)).get("head");
            assertThat(b).isEqualTo(a);
        }
        assertThatThrownBy(() -> back.ratioIndex(0.3)).hasMessageContaining("ratio 0.3 is not stored");
        Path floatFile = dir.resolve("float.flx");
        FlxWriter.write(floatFile, ModelZoo.get("mlp").model(ModelZoo.get("mlp").defaults(), 0));
        assertThatThrownBy(() -> QuantizedFlx.read(floatFile)).isInstanceOf(FlxFormatException.class)
                .hasMessageContaining("a float model (version 1); quantize it first");
    }

    /**
     * Shifts judged at the outputs: site by site, with the sites before it 4-bit at their judged shifts and those after it
     * 8-bit, never a worse fitness than the MSE shifts they start from (and better where they differ); deterministic; kept
     * through layout and the file.
     */
    @Test
    void staticShiftsJudgedAtTheOutputsBeatTheMseShiftsTheyStartFrom(@TempDir Path dir) throws Exception {
        List<Map<String, FloatTensor>> batch = cnnBatch.subList(0, 8);
        // a model-wide budget: its measured costs run on the model with the judged shifts
        ChannelSelection.Options o = new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 8, 4, 7,
                ChannelSelection.Budget.MODEL, ChannelSelection.Fitness.OUTPUTS, ChannelSelection.StaticShifts.OUTPUTS);
        QuantizedModel judged = ChannelSelection.select(cnn, RATIOS, o, batch, SearchProgress.NONE).model();
        assertThat(judged.metadata()).hasEntrySatisfying("flexiq.selection.staticShifts", v -> assertThat(v).matches("outputs on 8 samples, [1-9][0-9]* of 30 groups off their MSE shift"));
        int changed = 0;
        List<String> order = List.copyOf(judged.sites().keySet());
        for (Site site : judged.sites().values()) {
            assertThat(site.judgedShift()).as(site.tensor()).isNotNull();
            Site mse = site.withJudgedShift(null);
            int[] j = BitExtractor.staticShifts(site, 8, Extraction.STATIC);
            int[] m = BitExtractor.staticShifts(mse, 8, Extraction.STATIC);
            double fJudged = judgedUpTo(judged, order, site, batch);
            double fMse = judgedUpTo(judged, order, mse, batch);
            if (java.util.Arrays.equals(j, m)) {
                assertThat(fJudged).as(site.tensor()).isEqualTo(fMse);
            } else {
                changed++;
                assertThat(fJudged).as(site.tensor()).isLessThan(fMse);
            }
        }
        assertThat(changed).as("sites whose judged shifts differ from the MSE ones").isPositive();
        QuantizedModel again = ChannelSelection.select(cnn, RATIOS, o, batch, SearchProgress.NONE).model();
        for (String t : judged.sites().keySet()) {
            assertThat(again.sites().get(t).judgedShift()).isEqualTo(judged.sites().get(t).judgedShift());
        }
        QuantizedModel laid = FlexiqLayout.apply(judged);
        Path f = dir.resolve("judged.q.flx");
        QuantizedFlx.write(f, laid);
        QuantizedModel back = QuantizedFlx.read(f);
        for (String t : laid.sites().keySet()) {
            assertThat(BitExtractor.staticShifts(back.sites().get(t), 8, Extraction.STATIC))
                    .isEqualTo(BitExtractor.staticShifts(laid.sites().get(t), 8, Extraction.STATIC))
                    .isEqualTo(BitExtractor.staticShifts(judged.sites().get(t), 8, Extraction.STATIC));
        }
        for (double r : List.of(0.5, 1.0)) {
            byte[] a = new GoldenExecutor(judged, r, Extraction.STATIC).run(batch.get(0)).values().iterator().next();
            assertThat(new GoldenExecutor(laid, r, Extraction.STATIC).run(batch.get(0)).values().iterator().next()).isEqualTo(a);
            assertThat(new GoldenExecutor(back, r, Extraction.STATIC).run(batch.get(0)).values().iterator().next()).isEqualTo(a);
        }
        // a file selected with the MSE rule stores no judged shifts, and reads back without them
        Path plain = dir.resolve("mse.q.flx");
        QuantizedFlx.write(plain, FlexiqLayout.apply(select(cnn, ChannelSelection.Method.GREEDY, batch).model()));
        assertThat(QuantizedFlx.read(plain).sites().values()).allSatisfy(site -> assertThat(site.judgedShift()).isNull());
    }

    /** The fitness at 100% with the sites before {@code site} 4-bit as judged, {@code site} 4-bit as given, and the sites after it 8-bit. */
    private static double judgedUpTo(QuantizedModel m, List<String> order, Site site, List<Map<String, FloatTensor>> batch) {
        int at = order.indexOf(site.tensor());
        Map<String, Site> sites = new java.util.LinkedHashMap<>();
        for (Site s : m.sites().values()) {
            int[] counts = new int[m.ratios().size()];
            java.util.Arrays.fill(counts, order.indexOf(s.tensor()) <= at ? s.channels() : 0);
            sites.put(s.tensor(), (s.tensor().equals(site.tensor()) ? site : s).withSelection(s.order(), counts));
        }
        return ChannelSelection.fitness(m.withSites(sites, m.ratios()), 1.0, Extraction.STATIC, ChannelSelection.Fitness.OUTPUTS, batch);
    }

    @Test
    void layersWhoseChannelsTheGroupWidthDoesNotDivideStayEightBit() {
        ZooModel r = ModelZoo.get("fmnist-resnet");
        Model m = r.model(r.defaults(), 0);
        // G = 32: stage 1's layers read 16 channels and stay 8-bit; stages 2 and 3 (32 and 64 channels) get sites
        QuantizedModel q = Quantizer.quantize(m, cnnBatch.subList(0, 2), new QuantizerOptions(32, CalibrationMethod.MAX));
        assertThat(q.sites()).isNotEmpty().allSatisfy((t, site) -> assertThat(site.channels() % 32).isZero());
        assertThat(q.sites().values().stream().flatMap(s -> s.consumers().stream())).noneMatch(c -> c.startsWith("stage1."));
        assertThat(q.metadata().get(Quantizer.EIGHT_BIT_ONLY)).startsWith("4 layer(s) stay 8-bit, their input channels not a multiple of G = 32: stage1.");
        // G = 24 divides no layer's channels: refused, naming the first
        assertThatThrownBy(() -> Quantizer.quantize(m, cnnBatch.subList(0, 2), new QuantizerOptions(24, CalibrationMethod.MAX)))
                .hasMessageContaining("stage1.conv1: its 16 input channels are not a multiple of the group width 24, nor are any other");
    }
}
