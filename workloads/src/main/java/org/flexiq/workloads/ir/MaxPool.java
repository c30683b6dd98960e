package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Max over each window; padding never wins the max. */
public record MaxPool(PoolWindow window) implements Layer {
    public MaxPool {
        require(window != null, "MaxPool.window is required");
    }

    /** A square window with equal stride and padding on every side. */
    public MaxPool(int kernel, int stride, int pad) {
        this(PoolWindow.square(kernel, stride, pad));
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return window.outputShape("MaxPool", inputs.get(0));
    }
}
