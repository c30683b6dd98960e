package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Elements start..end-1 along {@code axis} (a class token, the first T position embeddings). */
public record Slice(int axis, int start, int end) implements Layer {
    public Slice {
        require(axis >= 0, "Slice.axis must be >= 0, got " + axis);
        require(start >= 0 && end > start, "Slice needs 0 <= start < end, got " + start + ".." + end);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        require(axis < in.rank(), "Slice.axis " + axis + " is out of range for " + in);
        require(end <= in.dim(axis), "Slice end " + end + " is past dimension " + axis + " of " + in);
        return in.withDim(axis, end - start);
    }
}
