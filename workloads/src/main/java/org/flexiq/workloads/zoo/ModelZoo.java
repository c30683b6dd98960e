package org.flexiq.workloads.zoo;

import java.util.List;
import java.util.stream.Collectors;

/** The built-in models, by name. */
public final class ModelZoo {
    private static final ZooOptions MNIST = new ZooOptions(28, 1);

    private static final List<ZooModel> MODELS = List.of(
            new ZooModel("mlp", "MLP 784-256-128-10 for 28x28 images", MNIST, new Mlp()),
            new ZooModel("resnet18", "ResNet-18 (basic blocks), ImageNet 1000 classes", ZooOptions.DEFAULT, new ResNet(new int[]{2, 2, 2, 2}, false, 1000)),
            new ZooModel("resnet50", "ResNet-50 v1.5 (bottlenecks), ImageNet 1000 classes", ZooOptions.DEFAULT, new ResNet(new int[]{3, 4, 6, 3}, true, 1000)),
            new ZooModel("mobilenetv2", "MobileNetV2 1.0 (depthwise, inverted residuals)", ZooOptions.DEFAULT, new MobileNetV2()),
            new ZooModel("vit-s16", "ViT-S/16: 384 dim, 12 blocks, 6 heads", ZooOptions.DEFAULT, new VisionTransformer(384, 12, 6, false)),
            new ZooModel("vit-b16", "ViT-B/16: 768 dim, 12 blocks, 12 heads", ZooOptions.DEFAULT, new VisionTransformer(768, 12, 12, false)),
            new ZooModel("deit-s", "DeiT-S distilled: ViT-S/16 with a distillation token and head", ZooOptions.DEFAULT, new VisionTransformer(384, 12, 6, true)),
            new ZooModel("bert-base", "BERT-base uncased encoder + pooler (sequence length = --seq-len)", ZooOptions.DEFAULT, new Bert()),
            new ZooModel("fmnist-resnet", "residual CNN 16-32-64, trained on Fashion-MNIST", MNIST, new FmnistResNet(1, 16, 32, 64), true),
            new ZooModel("fmnist-resnet-wide", "residual CNN 64-128-256 (stride-2 stem), trained on Fashion-MNIST: G = 64 fits every site",
                    MNIST, new FmnistResNet(2, 64, 128, 256), true),
            new ZooModel("fmnist-resnet-wide-ft", "fmnist-resnet-wide finetuned for 100% 4-bit at G = 64 (dual forward pass, tools/finetune_fmnist.py)",
                    MNIST, new FmnistResNet(2, 64, 128, 256), true),
            new ZooModel("fmnist-mobilenet-wide", "MobileNetV2-style CNN 64-128-256 (depthwise, inverted residuals, ReLU6), trained on Fashion-MNIST: "
                    + "G = 64 fits every site", MNIST, new MobileNetV2(1, 64, new int[][]{{1, 64, 1, 1}, {2, 128, 2, 2}, {4, 256, 2, 2}}, 512, 10), true),
            new ZooModel("fmnist-vit", "ViT (4x4 patches, 64 dim, 4 blocks, 4 heads), trained on Fashion-MNIST", MNIST,
                    new VisionTransformer(1, 4, 64, 4, 4, 2, 10, false), true),
            new ZooModel("fmnist-vit-wide", "ViT (4x4 patches, 128 dim, 4 blocks, 4 heads), trained on Fashion-MNIST: G = 64 fits every site",
                    MNIST, new VisionTransformer(1, 4, 128, 4, 4, 2, 10, false), true),
            new ZooModel("opt350m-block", "one OPT-350m decoder block: causal attention, post-LN, ReLU FFN", ZooOptions.DEFAULT, new OptDecoderBlock()));

    private ModelZoo() {
    }

    public static List<ZooModel> all() {
        return MODELS;
    }

    public static boolean contains(String name) {
        return MODELS.stream().anyMatch(m -> m.name().equals(name));
    }

    /** The model called {@code name}; an IllegalArgumentException listing the known names otherwise. */
    public static ZooModel get(String name) {
        return MODELS.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown zoo model '" + name + "'; known: "
                        + MODELS.stream().map(ZooModel::name).collect(Collectors.joining(", "))));
    }
}
