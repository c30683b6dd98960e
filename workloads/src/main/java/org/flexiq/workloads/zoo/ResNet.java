package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;

/** ResNet v1.5 (torchvision): basic blocks for ResNet-18, bottlenecks with the stride on the 3x3 for ResNet-50. */
final class ResNet implements Architecture {
    /** Residual branches end in a BatchNorm with small gamma so the sum stays bounded through deep stacks. */
    private static final double BRANCH_END_GAMMA = 0.25;

    private final int[] blocks;
    private final boolean bottleneck;
    private final int classes;

    ResNet(int[] blocks, boolean bottleneck, int classes) {
        this.blocks = blocks.clone();
        this.bottleneck = bottleneck;
        this.classes = classes;
    }

    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        String x = b.input("image", Shape.of(3, o.imageSize(), o.imageSize()));
        x = b.conv("conv1", x, 64, 7, 2, 3);
        x = b.bn("bn1", x, 1.0);
        x = b.act("relu", new Relu(), x);
        x = b.op("maxpool", new MaxPool(3, 2, 1), x);
        int width = 64;
        for (int stage = 0; stage < blocks.length; stage++) {
            for (int i = 0; i < o.repeats(blocks[stage]); i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                x = block(b, "layer" + (stage + 1) + "." + i, x, width, stride);
            }
            width *= 2;
        }
        x = b.op("avgpool", new GlobalAvgPool(), x);
        return new String[]{b.linear("fc", x, classes, true, 1.0)};
    }

    private String block(GraphBuilder b, String p, String in, int width, int stride) {
        int out = bottleneck ? width * 4 : width;
        String y;
        if (bottleneck) {
            y = b.act(p + ".relu1", new Relu(), b.bn(p + ".bn1", b.conv(p + ".conv1", in, width, 1, 1, 0), 1.0));
            y = b.act(p + ".relu2", new Relu(), b.bn(p + ".bn2", b.conv(p + ".conv2", y, width, 3, stride, 1), 1.0));
            y = b.bn(p + ".bn3", b.conv(p + ".conv3", y, out, 1, 1, 0), BRANCH_END_GAMMA);
        } else {
            y = b.act(p + ".relu1", new Relu(), b.bn(p + ".bn1", b.conv(p + ".conv1", in, width, 3, stride, 1), 1.0));
            y = b.bn(p + ".bn2", b.conv(p + ".conv2", y, out, 3, 1, 1), BRANCH_END_GAMMA);
        }
        String shortcut = in;
        if (stride != 1 || b.channels(in) != out) {
            shortcut = b.bn(p + ".downsample.bn", b.conv(p + ".downsample.conv", in, out, 1, stride, 0), 1.0);
        }
        return b.act(p + ".relu", new Relu(), b.op(p + ".add", new Add(), y, shortcut));
    }
}
