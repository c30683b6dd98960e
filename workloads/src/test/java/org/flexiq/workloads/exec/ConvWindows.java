package org.flexiq.workloads.exec;

import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Every convolution window a fast kernel must agree with its plain loop on: strides 1-3, paddings 0-3, dilations 1-2,
 * square and non-square kernels, grouped ones, over a small plane (one pixel at a time), a larger one, and a two-column
 * one, where with a 3-wide window and padding 1 the two pixels' fields have as many taps but not the same ones.
 */
public final class ConvWindows {
    private ConvWindows() {
    }

    /** One case: the input's shape, the layer, and its output's shape. */
    public record Window(Shape in, Conv2d conv, Shape out) {
    }

    /**
     * The cases for layers of {@code outChannels} (even: kernels of 3 are grouped in two); windows too big for the input are
     * left out.
     */
    public static List<Window> all(int outChannels) {
        return windows(outChannels, false);
    }

    /** The same windows depthwise: as many groups as the input's 4 channels, one output channel each. */
    public static List<Window> depthwise() {
        return windows(4, true);
    }

    private static List<Window> windows(int outChannels, boolean depthwise) {
        List<Window> cases = new ArrayList<>();
        for (Shape in : List.of(Shape.of(4, 7, 9), Shape.of(4, 13, 11), Shape.of(4, 40, 2))) {
            for (int stride = 1; stride <= 3; stride++) {
                for (int pad = 0; pad <= 3; pad++) {
                    for (int dilation = 1; dilation <= 2; dilation++) {
                        for (int kernel : new int[]{1, 3, 5}) {
                            int groups = depthwise ? in.dim(0) : kernel == 3 ? 2 : 1;
                            Conv2d c = new Conv2d(outChannels, kernel, kernel == 5 ? 2 : kernel, stride, stride == 3 ? 1 : stride,
                                    pad, pad == 3 ? 0 : pad, dilation, groups, true);
                            try {
                                cases.add(new Window(in, c, c.outputShape(List.of(in))));
                            } catch (IrException tooSmall) {
                                // the window does not fit the input: not a case
                            }
                        }
                    }
                }
            }
        }
        return cases;
    }
}
