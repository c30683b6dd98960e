package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.Relu6;
import org.flexiq.workloads.ir.Shape;

/** MobileNetV2 (width 1.0, torchvision layout): inverted residuals with depthwise 3x3 convolutions. */
final class MobileNetV2 implements Architecture {
    /** Expansion t, output channels c, repeats n, first stride s (the paper's Table 2). */
    private static final int[][] SETTINGS = {
            {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        String x = b.input("image", Shape.of(3, o.imageSize(), o.imageSize()));
        x = convBnRelu6(b, "features.0", x, Conv2d.square(32, 3, 2, 1, 1, false));
        int index = 1;
        for (int[] s : SETTINGS) {
            for (int i = 0; i < s[2]; i++) {
                x = invertedResidual(b, "features." + index++, x, s[0], s[1], i == 0 ? s[3] : 1);
            }
        }
        x = convBnRelu6(b, "features." + index, x, Conv2d.square(1280, 1, 1, 0, 1, false));
        x = b.op("avgpool", new GlobalAvgPool(), x);
        return new String[]{b.linear("classifier", x, 1000, true, 1.0)};
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
