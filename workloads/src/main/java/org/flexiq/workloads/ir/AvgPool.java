package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Mean over each window; padded positions are not counted (count_include_pad = false). */
public record AvgPool(PoolWindow window) implements Layer {
    public AvgPool {
        require(window != null, "AvgPool.window is required");
    }

    /** A square window with equal stride and padding on every side. */
    public AvgPool(int kernel, int stride, int pad) {
        this(PoolWindow.square(kernel, stride, pad));
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return window.outputShape("AvgPool", inputs.get(0));
    }
}
