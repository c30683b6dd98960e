package org.flexiq.workloads.ir;

import java.util.ArrayList;
import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/**
 * 2-D convolution over a [C, H, W] input, weight [outChannels, C / groups, kernelH, kernelW], optional
 * bias [outChannels]. groups == C == outChannels is a depthwise convolution. Padding is symmetric zeros.
 */
public record Conv2d(int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                     int padH, int padW, int dilation, int groups, boolean bias) implements Layer {
    public Conv2d {
        require(outChannels >= 1, "Conv2d.outChannels must be >= 1, got " + outChannels);
        require(kernelH >= 1 && kernelW >= 1, "Conv2d kernel must be >= 1, got " + kernelH + "x" + kernelW);
        require(strideH >= 1 && strideW >= 1, "Conv2d stride must be >= 1, got " + strideH + "x" + strideW);
        require(padH >= 0 && padW >= 0, "Conv2d padding must be >= 0, got " + padH + "x" + padW);
        require(dilation >= 1, "Conv2d.dilation must be >= 1, got " + dilation);
        require(groups >= 1, "Conv2d.groups must be >= 1, got " + groups);
        require(outChannels % groups == 0, "Conv2d.outChannels " + outChannels + " is not a multiple of groups " + groups);
    }

    /** A square kernel with equal stride and padding on both axes and no dilation. */
    public static Conv2d square(int outChannels, int kernel, int stride, int pad, int groups, boolean bias) {
        return new Conv2d(outChannels, kernel, kernel, stride, stride, pad, pad, 1, groups, bias);
    }

    public boolean isDepthwise(int inChannels) {
        return groups > 1 && groups == inChannels && groups == outChannels;
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        require(in.rank() == 3, "Conv2d expects a [C, H, W] input, got " + in);
        require(in.dim(0) % groups == 0, "Conv2d input channels " + in.dim(0) + " are not a multiple of groups " + groups);
        int h = outSize(in.dim(1), kernelH, strideH, padH);
        int w = outSize(in.dim(2), kernelW, strideW, padW);
        require(h >= 1 && w >= 1, "Conv2d kernel " + kernelH + "x" + kernelW + " does not fit input " + in);
        return Shape.of(outChannels, h, w);
    }

    private int outSize(int in, int kernel, int stride, int pad) {
        long span = (long) dilation * (kernel - 1) + 1;
        return (int) Math.floorDiv(in + 2L * pad - span, stride) + 1;
    }

    @Override
    public List<ParamSpec> params(List<Shape> inputs) {
        List<ParamSpec> p = new ArrayList<>(2);
        p.add(ParamSpec.weight("weight", Shape.of(outChannels, inputs.get(0).dim(0) / groups, kernelH, kernelW)));
        if (bias) {
            p.add(ParamSpec.weight("bias", Shape.of(outChannels)));
        }
        return p;
    }

    @Override
    public long macs(List<Shape> inputs, Shape output) {
        long perOutput = (long) (inputs.get(0).dim(0) / groups) * kernelH * kernelW;
        return perOutput * output.elementCount();
    }
}
