package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.Relu6;
import org.flexiq.workloads.ir.Shape;

/**
 * MobileNetV2's inverted residuals with depthwise 3x3 convolutions: the ImageNet network (width 1.0, torchvision
 * layout) and smaller ones of the same form, such as the Fashion-MNIST one whose every 4-bit site is a multiple of 64
 * channels.
 */
final class MobileNetV2 implements Architecture {
    /** Expansion t, output channels c, repeats n, first stride s (the paper's Table 2). */
    private static final int[][] IMAGENET = {
            {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

    private final int inChannels;
    private final int stemChannels;
    private final int[][] settings;
    private final int headChannels;
    private final int classes;

    /** The ImageNet network. */
    MobileNetV2() {
        this(3, 32, IMAGENET, 1280, 1000);
    }

    /** A stride-2 3x3 stem of {@code stemChannels}, the blocks of {@code settings} (rows t, c, n, s), a 1x1 head, a classifier. */
    MobileNetV2(int inChannels, int stemChannels, int[][] settings, int headChannels, int classes) {
        this.inChannels = inChannels;
        this.stemChannels = stemChannels;
        this.settings = settings.clone();
        this.headChannels = headChannels;
        this.classes = classes;
    }

    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        String x = b.input("image", Shape.of(inChannels, o.imageSize(), o.imageSize()));
        x = convBnRelu6(b, "features.0", x, Conv2d.square(stemChannels, 3, 2, 1, 1, false));
        int index = 1;
        for (int[] s : settings) {
            // a block left out by ZooOptions#blocks keeps its number, so every kept layer has its name (and weights) in the whole network
            for (int i = 0; i < o.repeats(s[2]); i++) {
                x = invertedResidual(b, "features." + (index + i), x, s[0], s[1], i == 0 ? s[3] : 1);
            }
            index += s[2];
        }
        x = convBnRelu6(b, "features." + index, x, Conv2d.square(headChannels, 1, 1, 0, 1, false));
        x = b.op("avgpool", new GlobalAvgPool(), x);
        return new String[]{b.linear("classifier", x, classes, true, 1.0)};
    }

    private static String convBnRelu6(GraphBuilder b, String p, String in, Conv2d conv) {
        return b.act(p + ".relu6", new Relu6(), b.bn(p + ".bn", b.conv(p + ".conv", in, conv), 1.0));
    }

    private static String invertedResidual(GraphBuilder b, String p, String in, int expand, int out, int stride) {
        int c = b.channels(in);
        int hidden = c * expand;
        String y = in;
        if (expand != 1) {
            y = convBnRelu6(b, p + ".expand", y, Conv2d.square(hidden, 1, 1, 0, 1, false));
        }
        y = convBnRelu6(b, p + ".dw", y, Conv2d.square(hidden, 3, stride, 1, hidden, false));
        boolean residual = stride == 1 && c == out;
        y = b.bn(p + ".project.bn", b.conv(p + ".project.conv", y, Conv2d.square(out, 1, 1, 0, 1, false)), residual ? 0.25 : 1.0);
        return residual ? b.op(p + ".add", new Add(), y, in) : y;
    }
}
