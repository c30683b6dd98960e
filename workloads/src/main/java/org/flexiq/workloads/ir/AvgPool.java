package org.flexiq.workloads.ir;

import java.util.List;

/** Mean over kernel x kernel windows; padded positions are not counted (count_include_pad = false). */
public record AvgPool(int kernel, int stride, int pad) implements Layer {
    public AvgPool {
        Pooling.check("AvgPool", kernel, stride, pad);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        return Pooling.outputShape("AvgPool", inputs.get(0), kernel, stride, pad);
    }
}
