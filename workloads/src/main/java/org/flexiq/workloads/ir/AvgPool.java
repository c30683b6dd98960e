package org.flexiq.workloads.ir;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;
import java.util.Map;

import static org.flexiq.workloads.ir.Layer.require;

/** Mean over each window; padded positions are not counted (count_include_pad = false). */
public record AvgPool(PoolWindow window) implements Layer {
    public AvgPool {
        require(window != null, "AvgPool.window is required");
    }

    /** Read from a .flx header: the window, or an older file's square kernel, stride and pad. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static AvgPool fromHeader(Map<String, Object> fields) {
        return new AvgPool(PoolWindow.fromHeader("AvgPool", fields));
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
