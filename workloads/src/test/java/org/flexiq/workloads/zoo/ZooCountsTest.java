package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.ParamSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Parameter counts are those of the reference implementations (torchvision, timm, Hugging Face) exactly;
 * MACs are the published figures (conv, linear and attention matmuls; no element-wise ops) within 1%.
 */
class ZooCountsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // model,        params,      GMACs
            "resnet50,       25557032,    4.089",
            "resnet18,       11689512,    1.814",
            "mobilenetv2,    3504872,     0.3006",
            "vit-b16,        86567656,    17.56",
            "vit-s16,        22050664,    4.60",
            "deit-s,         22436432,    4.63",
            "bert-base,      109482240,   11.17",
            "opt350m-block,  12596224,    1.644167168",  // T=128: 4TD^2 + 2TDF + 2T^2D
            "mlp,            235146,      0.000234752",
            // stem 112896 + stage1 3612672 + stage2 2809856 + stage3 2809856 + fc 640 MACs, summed by hand
            "fmnist-resnet,  77754,       0.00934592",
            "fmnist-vit,     139018,      0.007884416",
    })
    void countsMatchReferenceImplementations(String name, long params, double gmacs) {
        Graph g = ModelZoo.get(name).graph(ModelZoo.get(name).defaults());
        assertThat(g.totalParams()).isEqualTo(params);
        assertThat(g.totalMacs() / 1e9).isCloseTo(gmacs, within(gmacs * 0.01));
    }

    @Test
    void transformerMacsFollowTheClosedFormAtAnySequenceLength() {
        long t = 37;
        long d = 1024;
        long f = 4096;
        Graph g = ModelZoo.get("opt350m-block").graph(new ZooOptions(224, (int) t));
        assertThat(g.totalMacs()).isEqualTo(4 * t * d * d + 2 * t * d * f + 2 * t * t * d);
    }

    @Test
    void reducedImageSizeKeepsParametersAndShrinksWork() {
        ZooModel vit = ModelZoo.get("vit-b16");
        Graph small = vit.graph(new ZooOptions(32, 128));
        Graph full = vit.graph(ZooOptions.DEFAULT);
        // Only the position embedding depends on the token count: (196 - 4) fewer rows of 768.
        assertThat(full.totalParams() - small.totalParams()).isEqualTo((196 - 4) * 768L);
        assertThat(small.shape("tokens").dims()).containsExactly(5, 768);
        assertThat(small.totalMacs()).isLessThan(full.totalMacs() / 30);
    }

    /** ViT-B/16 with 2 of its 12 encoder blocks: 10 blocks of 7,087,872 parameters fewer (qkv, proj, fc1, fc2 with biases, two norms). */
    @Test
    void cappedBlocksLeaveOutWholeBlocks() {
        ZooModel vit = ModelZoo.get("vit-b16");
        long block = 768L * 2304 + 2304 + 768L * 768 + 768 + 768L * 3072 + 3072 + 3072L * 768 + 768 + 4 * 768;
        assertThat(block).isEqualTo(7_087_872);
        assertThat(vit.graph(ZooOptions.DEFAULT.withBlocks(2)).totalParams()).isEqualTo(86_567_656L - 10 * block);
        assertThat(vit.graph(ZooOptions.DEFAULT.withBlocks(12))).usingRecursiveComparison().isEqualTo(vit.graph(ZooOptions.DEFAULT));
    }

    /**
     * Capping the repeats keeps every layer of the network, with its name and parameter shapes (so its synthetic weights, drawn
     * by name, are the whole network's), and every distinct parameter shape: a ResNet stage's or MobileNetV2 setting's first
     * block differs from its repeats (stride, input width), so two of each cover them; transformer blocks are all alike.
     */
    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({"vit-b16, 1", "deit-s, 1", "bert-base, 1", "resnet50, 2", "resnet50, 1", "resnet18, 1", "mobilenetv2, 2"})
    void cappedBlocksKeepEveryLayerShapeOfTheWholeNetwork(String name, int blocks) {
        ZooModel z = ModelZoo.get(name);
        Graph full = z.graph(ZooOptions.DEFAULT);
        Graph capped = z.graph(ZooOptions.DEFAULT.withBlocks(blocks));
        assertThat(capped.totalParams()).isLessThan(full.totalParams());
        var fullParams = full.paramTensors();
        capped.paramTensors().forEach((tensor, spec) -> assertThat(fullParams.get(tensor)).as(tensor).isEqualTo(spec));
        boolean allShapes = !(name.equals("resnet50") && blocks == 1);
        var cappedShapes = capped.paramTensors().values().stream().map(ParamSpec::shape).collect(java.util.stream.Collectors.toSet());
        var fullShapes = fullParams.values().stream().map(ParamSpec::shape).collect(java.util.stream.Collectors.toSet());
        if (allShapes) {
            assertThat(cappedShapes).isEqualTo(fullShapes);
        } else {
            // one bottleneck per stage: its repeats' first 1x1 convolution (input 4w wide, not 2w) is missing
            assertThat(fullShapes).containsAll(cappedShapes).hasSizeGreaterThan(cappedShapes.size());
        }
    }

    @Test
    void blocksOutsideTheirRangeAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ZooOptions(224, 128, -1))
                .hasMessage("blocks must be in 0..4096 (0: all of them), got -1");
    }
}
