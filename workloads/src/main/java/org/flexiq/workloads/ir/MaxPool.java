package org.flexiq.workloads.ir;

import java.util.List;

/** Max over kernel x kernel windows; padding never wins the max. */
public record MaxPool(int kernel, int stride, int pad) implements Layer {
    public MaxPool {
        Pooling.check("MaxPool", kernel, stride, pad);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Pooling.outputShape("MaxPool", inputs.get(0), kernel, stride, pad);
    }
}
