package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;

/**
 * A small residual CNN for 28x28 Fashion-MNIST: a 3x3 stem, three stages of basic blocks (the last two
 * downsample by a strided conv with a 1x1 projection shortcut), global average pooling and a classifier.
 * Small enough to train on two CPU cores; its residual joins exercise channel reordering. The wide form
 * (64-128-256) gives its stem stride 2: its stages then work at 14, 7 and 4 pixels, which keeps training on
 * two cores to minutes per epoch while every 4-bit-capable layer reads a multiple of 64 channels.
 */
final class FmnistResNet implements Architecture {
    private final int stemStride;
    private final int[] widths;

    FmnistResNet(int stemStride, int... widths) {
        this.stemStride = stemStride;
        this.widths = widths.clone();
    }

    @Override
    public String[] define(GraphBuilder b, ZooOptions o) {
        String x = b.input("image", Shape.of(1, o.imageSize(), o.imageSize()));
        x = b.act("stem.relu", new Relu(), b.bn("stem.bn", b.conv("stem.conv", x, widths[0], 3, stemStride, 1), 1.0));
        for (int s = 0; s < widths.length; s++) {
            String p = "stage" + (s + 1);
            int stride = s == 0 ? 1 : 2;
            String y = b.act(p + ".relu1", new Relu(), b.bn(p + ".bn1", b.conv(p + ".conv1", x, widths[s], 3, stride, 1), 1.0));
            y = b.bn(p + ".bn2", b.conv(p + ".conv2", y, widths[s], 3, 1, 1), 0.25);
            String shortcut = x;
            if (stride != 1 || b.channels(x) != widths[s]) {
                shortcut = b.bn(p + ".down.bn", b.conv(p + ".down.conv", x, widths[s], 1, stride, 0), 1.0);
            }
            x = b.act(p + ".relu", new Relu(), b.op(p + ".add", new Add(), y, shortcut));
        }
        x = b.op("pool", new GlobalAvgPool(), x);
        return new String[]{b.linear("fc", x, 10, true, 1.0)};
    }
}
