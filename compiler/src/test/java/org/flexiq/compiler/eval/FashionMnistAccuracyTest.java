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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Really trained models on the Fashion-MNIST test set (all 10,000 images, or the first 2,000 or 5,000 where a case
 * says so), fixed seeds. The floors are the issue's: float accuracy, 8-bit within 0.5 pp of float, effective extraction
 * better than naive at 100% 4-bit, and an evolutionary search never worse than greedy. Figures on all 10,000 images are
 * in compiler/README.md.
 *
 * <p>Cases that quantize the same model alike, or score the same model on the same images, share the result
 * ({@link #shared}): every step is deterministic, so a shared result has the bits a case would compute alone, and the
 * class runs minutes shorter (the longest of the build).
 */
@Tag("accuracy")
class FashionMnistAccuracyTest {
    /** fmnist-resnet, G = 8, evolutionary, MSE static shifts: 50% 4-bit within this of 8-bit (the goal; measured 0.72 pp). */
    private static final double HALF_LOSS_G8 = 0.010;
    /** ... and at 100% 4-bit, at least this above the calibrated-max rule. */
    private static final double FULL_GAIN_G8 = 0.05;
    /** fmnist-resnet-wide-ft against fmnist-resnet-wide, G = 64, static, first 2,000 test images: the 100% 4-bit gain at least. */
    private static final double FINETUNE_GAIN = 0.03;
    /** ... and the 8-bit loss at most. */
    private static final double FINETUNE_INT8_LOSS = 0.006;
    /** fmnist-resnet-wide, G = 64, static, first 2,000 test images: unsigned codes after ReLU against signed, at 100% 4-bit. */
    private static final double UNSIGNED_GAIN = 0.03;
    /**
     * fmnist-resnet, G = 8, unsigned codes, greedy, first 2,000 test images: static shifts judged at the outputs against the
     * MSE ones, at 25% and 50% 4-bit.
     */
    private static final double JUDGED_GAIN_G8 = 0.01;
    /**
     * Test images of {@link #trainedModelsKeepTheirAccuracy}: the first 5,000 by default, half the class's longest case
     * (measured on them: fmnist-resnet float 92.08%, 8-bit 92.00%; fmnist-vit 88.80 / 88.38%, 0.42 pp down, 0.08 pp inside
     * the floor); {@code -Dfmnist.accuracy.images=10000} checks all of them (91.92 / 91.81%, 88.57 / 88.27%).
     */
    private static final int TRAINED_IMAGES = Integer.getInteger("fmnist.accuracy.images", 5000);

    /** Results of deterministic steps that several cases take, by a key that names the step and its inputs. */
    private static final Map<String, Object> SHARED = new HashMap<>();

    @SuppressWarnings("unchecked")
    private static synchronized <T> T shared(String key, Supplier<T> make) {
        Object v = SHARED.get(key);
        if (v == null) {
            v = make.get();
            SHARED.put(key, v);
        }
        return (T) v;
    }

    /** The 8-bit model of a zoo model, calibrated (max) on the first 512 training images. */
    private static QuantizedModel int8(String name, int group, boolean unsignedCodes) {
        return shared("int8 " + name + " G" + group + (unsignedCodes ? " unsigned" : ""), () -> {
            ZooModel z = ModelZoo.get(name);
            return Quantizer.quantize(z.model(z.defaults(), 0), calibration(512), new QuantizerOptions(group, CalibrationMethod.MAX, unsignedCodes));
        });
    }

    /**
     * Top-1 of the 8-bit model on the first n test images. Any selection from it runs the same integers at ratio 0 (its
     * channel order moves no bit: {@code FlexiqPipelineTest.layoutChangesNoBitAtAnyRatio}), so this stands for theirs.
     */
    private static double int8Top1(String name, int group, boolean unsignedCodes, int n) {
        return shared("int8 top-1 " + name + " G" + group + (unsignedCodes ? " unsigned" : "") + " on " + n,
                () -> Accuracy.goldenTop1(new GoldenExecutor(int8(name, group, unsignedCodes), 0, Extraction.STATIC), testImages(n)));
    }

    private static LabeledImages testImages(int n) {
        return shared("test " + n, () -> {
            LabeledImages all = FashionMnist.load(FashionMnist.Split.TEST);
            return n == all.size() ? all : all.first(n);
        });
    }

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
        LabeledImages test = testImages(TRAINED_IMAGES);
        List<Map<String, FloatTensor>> samples = calibration(512);
        double fp = Accuracy.floatTop1(m, test);
        QuantizedModel int8 = int8(name, group, false);
        double q8 = int8Top1(name, group, false, test.size());
        QuantizedModel greedy = ChannelSelection.select(int8, List.of(0.5, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 0, 0, 0), samples, SearchProgress.NONE).model();
        double effective = Accuracy.goldenTop1(new GoldenExecutor(greedy, 1.0, Extraction.STATIC), test);
        double naive = Accuracy.goldenTop1(new GoldenExecutor(greedy, 1.0, Extraction.NAIVE), test);
        System.out.printf("%s on %d images: float %.4f, int8 %.4f, 100%% 4-bit effective %.4f, naive %.4f%n", name, test.size(), fp, q8, effective, naive);
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

    /**
     * The static extraction's shift rule on the small ResNet at G = 8, all 10,000 test images: the MSE-optimal
     * shifts against the calibrated-max rule they replaced (floors measured, compiler/README.md).
     */
    @org.junit.jupiter.api.Test
    void mseShiftsHoldUpWhereTheMaxRuleFellOffACliff() {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        LabeledImages test = testImages(10_000);
        QuantizedModel int8 = int8("fmnist-resnet", 8, false);
        // what sim tradeoff fmnist-resnet --group 8 runs: evolutionary 50 x 50 per ratio on 128 samples, seed 0
        QuantizedModel evo = ChannelSelection.select(int8, List.of(0.25, 0.5, 0.75, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.EVOLUTIONARY, Extraction.STATIC, 50, 50, 0), calibration(128),
                SearchProgress.NONE).model();
        double q8 = int8Top1("fmnist-resnet", 8, false, test.size());
        double half = Accuracy.goldenTop1(new GoldenExecutor(evo, 0.5, Extraction.STATIC), test);
        double full = Accuracy.goldenTop1(new GoldenExecutor(evo, 1.0, Extraction.STATIC), test);
        double fullMax = Accuracy.goldenTop1(new GoldenExecutor(evo, 1.0, Extraction.STATIC_MAX), test);
        System.out.printf("fmnist-resnet G=8 evolutionary: int8 %.4f, 50%% static %.4f, 100%% static %.4f, 100%% static-max %.4f%n", q8, half, full, fullMax);
        assertThat(half).as("50%% 4-bit, MSE static").isGreaterThanOrEqualTo(q8 - HALF_LOSS_G8);
        assertThat(full).as("100%% 4-bit: MSE static against the max rule").isGreaterThanOrEqualTo(fullMax + FULL_GAIN_G8);
    }

    /**
     * The wide models at the NPU's group width (G = 64), on the first 2,000 test images (the full 10,000 are in
     * compiler/README.md, from sim tradeoff): dynamic extraction within a point of 8-bit at 50%, static
     * extraction far above naive at 100%, and the floors measured here (fmnist-mobilenet-wide: float 92.70%, 8-bit
     * 92.95%, 50% dynamic 92.10% and static 92.00%, 100% static 91.00% against naive 84.80%).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // model,            float, 8-bit loss, 50% dynamic loss, 50% static loss, 100% static over naive
            "fmnist-resnet-wide, 0.935, 0.005,      0.010,            0.045,           0.05",
            "fmnist-vit-wide,    0.91,  0.005,      0.010,            0.010,           0.0",
            "fmnist-mobilenet-wide, 0.92, 0.005,    0.010,            0.012,           0.05",
    })
    void wideModelsAtTheNpusGroupWidth(String name, double floatFloor, double int8Loss, double dynamicLoss, double staticLoss, double overNaive) {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        ZooModel z = ModelZoo.get(name);
        Model m = z.model(z.defaults(), 0);
        LabeledImages test = testImages(2000);
        QuantizedModel greedy = ChannelSelection.select(int8(name, 64, false), List.of(0.5, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 0, 0, 0), calibration(512), SearchProgress.NONE).model();
        double fp = Accuracy.floatTop1(m, test);
        double q8 = int8Top1(name, 64, false, test.size());
        double halfDynamic = Accuracy.goldenTop1(new GoldenExecutor(greedy, 0.5, Extraction.DYNAMIC), test);
        double halfStatic = Accuracy.goldenTop1(new GoldenExecutor(greedy, 0.5, Extraction.STATIC), test);
        double full = Accuracy.goldenTop1(new GoldenExecutor(greedy, 1.0, Extraction.STATIC), test);
        double naive = Accuracy.goldenTop1(new GoldenExecutor(greedy, 1.0, Extraction.NAIVE), test);
        System.out.printf("%s G=64 on 2000 images: float %.4f, int8 %.4f, 50%% dynamic %.4f, 50%% static %.4f, 100%% static %.4f, naive %.4f%n",
                name, fp, q8, halfDynamic, halfStatic, full, naive);
        assertThat(fp).isGreaterThanOrEqualTo(floatFloor);
        assertThat(q8).as("8-bit").isGreaterThanOrEqualTo(fp - int8Loss);
        assertThat(halfDynamic).as("50%% 4-bit, dynamic").isGreaterThanOrEqualTo(q8 - dynamicLoss);
        assertThat(halfStatic).as("50%% 4-bit, static").isGreaterThanOrEqualTo(q8 - staticLoss);
        assertThat(full).as("100%% 4-bit, static over naive").isGreaterThanOrEqualTo(naive + overNaive);
    }

    /**
     * A model-wide ratio budget (groups spread over the sites by their measured effect per MAC) keeps the wide CNN's
     * single-group 64-channel sites 8-bit at 50%: static extraction within the 0.6 pp of 8-bit (measured:
     * -0.45 pp on these 2,000 images, -0.37 pp on all 10,000, compiler/README.md).
     */
    @Test
    void aModelWideBudgetKeepsFiftyPercentStaticNearEightBitAtG64() {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        LabeledImages test = testImages(2000);
        QuantizedModel q = ChannelSelection.select(int8("fmnist-resnet-wide", 64, false), List.of(0.25, 0.5, 0.75, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 0, 0, 0, ChannelSelection.Budget.MODEL),
                calibration(128), SearchProgress.NONE).model();
        double q8 = int8Top1("fmnist-resnet-wide", 64, false, test.size());
        double half = Accuracy.goldenTop1(new GoldenExecutor(q, 0.5, Extraction.STATIC), test);
        System.out.printf("fmnist-resnet-wide G=64, model budget, on 2000 images: int8 %.4f, 50%% static %.4f%n", q8, half);
        assertThat(half).as("50%% 4-bit, static, model budget").isGreaterThanOrEqualTo(q8 - 0.006);
    }

    /**
     * The paper's finetuning (tools/finetune_fmnist.py: a dual forward pass through the int8 and the 100% 4-bit model,
     * cross-entropy and distillation): on the first 2,000 test images the finetuned wide CNN at 100% 4-bit (static,
     * G = 64) is far above the model it started from, and its 8-bit model stays near that model's 8-bit one (measured:
     * 90.15% -> 94.25% at 100%, 95.00% -> 94.55% at 8 bits). The full 10,000 images are in compiler/README.md.
     */
    @Test
    void finetuningLiftsTheFullFourBitModel() {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        double[] base = int8AndFullFourBit("fmnist-resnet-wide", false);
        double[] tuned = int8AndFullFourBit("fmnist-resnet-wide-ft", false);
        System.out.printf("G=64 on 2000 images: fmnist-resnet-wide int8 %.4f, 100%% static %.4f; -ft int8 %.4f, 100%% static %.4f%n",
                base[0], base[1], tuned[0], tuned[1]);
        assertThat(tuned[1]).as("100%% 4-bit, finetuned against not").isGreaterThanOrEqualTo(base[1] + FINETUNE_GAIN);
        assertThat(tuned[0]).as("8-bit, finetuned against not").isGreaterThanOrEqualTo(base[0] - FINETUNE_INT8_LOSS);
    }

    /**
     * Unsigned 4-bit codes at the sites that follow a ReLU (4 magnitude bits instead of 3; every site of this CNN): on the
     * first 2,000 test images the wide CNN at 100% 4-bit (static, G = 64) gains about what finetuning gains, without
     * training (measured: 90.15% -> 94.25%, as the finetuned model reaches; all 10,000 images in compiler/README.md), and its 8-bit model is unchanged.
     */
    @Test
    void unsignedCodesAfterReluLiftTheFullFourBitModel() {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        double[] signed = int8AndFullFourBit("fmnist-resnet-wide", false);
        double[] unsigned = int8AndFullFourBit("fmnist-resnet-wide", true);
        System.out.printf("fmnist-resnet-wide G=64 on 2000 images: int8 %.4f; 100%% static: signed codes %.4f, unsigned %.4f%n",
                signed[0], signed[1], unsigned[1]);
        assertThat(unsigned[0]).as("8-bit: no 4-bit codes, so the same").isEqualTo(signed[0]);
        assertThat(unsigned[1]).as("100%% 4-bit, unsigned codes against signed").isGreaterThanOrEqualTo(signed[1] + UNSIGNED_GAIN);
    }

    /**
     * Unsigned codes give each group a fourth magnitude bit, and the MSE shift then clips the largest activations of G = 8's
     * small groups: judging the shifts at the outputs (on the selection's 128 fitness samples) takes most of that back
     * (measured 89.55 / 89.10% -> 91.75 / 91.50% at 25 / 50%; compiler/README.md has every ratio and all 10,000 images).
     */
    @Test
    void staticShiftsJudgedAtTheOutputsLiftNarrowGroupsWithUnsignedCodes() {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        LabeledImages test = testImages(2000);
        QuantizedModel int8 = int8("fmnist-resnet", 8, true);
        List<Double> ratios = List.of(0.25, 0.5);
        double[][] top1 = new double[2][ratios.size()];
        ChannelSelection.StaticShifts[] rules = {ChannelSelection.StaticShifts.MSE, ChannelSelection.StaticShifts.OUTPUTS};
        for (int k = 0; k < rules.length; k++) {
            QuantizedModel q = ChannelSelection.select(int8, ratios, new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC,
                    0, 0, 0, ChannelSelection.Budget.LAYER, ChannelSelection.Fitness.OUTPUTS, rules[k]), calibration(128), SearchProgress.NONE).model();
            for (int r = 0; r < ratios.size(); r++) {
                top1[k][r] = Accuracy.goldenTop1(new GoldenExecutor(q, ratios.get(r), Extraction.STATIC), test);
            }
        }
        System.out.printf("fmnist-resnet G=8 unsigned on 2000 images, 25%% / 50%% static: MSE shifts %.4f / %.4f, judged %.4f / %.4f%n",
                top1[0][0], top1[0][1], top1[1][0], top1[1][1]);
        for (int r = 0; r < ratios.size(); r++) {
            assertThat(top1[1][r]).as("ratio %s: judged against MSE shifts", ratios.get(r)).isGreaterThanOrEqualTo(top1[0][r] + JUDGED_GAIN_G8);
        }
    }

    /** A G = 64 model on the first 2,000 test images: 8-bit, and 100% 4-bit (static) after a greedy selection for 100% alone. */
    private static double[] int8AndFullFourBit(String name, boolean unsignedCodes) {
        return shared("int8 and 100% " + name + (unsignedCodes ? " unsigned" : ""), () -> {
            QuantizedModel q = ChannelSelection.select(int8(name, 64, unsignedCodes), List.of(1.0), new ChannelSelection.Options(
                    ChannelSelection.Method.GREEDY, Extraction.STATIC, 0, 0, 0), calibration(512), SearchProgress.NONE).model();
            return new double[]{int8Top1(name, 64, unsignedCodes, 2000), Accuracy.goldenTop1(new GoldenExecutor(q, 1.0, Extraction.STATIC), testImages(2000))};
        });
    }

    /** The first n training images, the calibration and fitness samples (a fitness set is the first part of the calibration set). */
    private static List<Map<String, FloatTensor>> calibration(int n) {
        return shared("calibration " + n, () -> {
            LabeledImages calib = FashionMnist.load(FashionMnist.Split.TRAIN).first(n);
            List<Map<String, FloatTensor>> samples = new ArrayList<>();
            for (int i = 0; i < calib.size(); i++) {
                samples.add(Map.of("image", calib.image(i)));
            }
            return List.copyOf(samples);
        });
    }
}
