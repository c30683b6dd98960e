package org.flexiq.workloads.ir;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;
import java.util.Map;

import static org.flexiq.workloads.ir.Layer.require;

/** Max over each window; padding never wins the max. */
public record MaxPool(PoolWindow window) implements Layer {
    public MaxPool {
        require(window != null, "MaxPool.window is required");
    }

    /** Read from a .flx header: the window, or an older file's square kernel, stride and pad. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static MaxPool fromHeader(Map<String, Object> fields) {
        return new MaxPool(PoolWindow.fromHeader("MaxPool", fields));
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
