package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Same elements in row-major order, new dimensions; at most one dimension may be -1 (inferred). */
public record Reshape(List<Integer> shape) implements Layer {
    public Reshape {
        require(shape != null && !shape.isEmpty(), "Reshape.shape is missing");
        shape = List.copyOf(shape);
        int inferred = 0;
        for (int d : shape) {
            require(d >= 1 || d == -1, "Reshape.shape has dimension " + d + ", expected >= 1 or -1");
            inferred += d == -1 ? 1 : 0;
        }
        require(inferred <= 1, "Reshape.shape may infer at most one dimension (-1), got " + shape);
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        int count = inputs.get(0).elementCount();
        long known = 1;
        for (int d : shape) {
            known *= d == -1 ? 1 : d;
            require(known <= count, "Reshape " + shape + " does not fit " + inputs.get(0));
        }
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            int d = shape.get(i);
            dims[i] = d == -1 ? (int) (count / known) : d;
        }
        Shape out = Shape.of(dims);
        require(out.elementCount() == count, "Reshape " + shape + " does not fit " + inputs.get(0));
        return out;
    }
}
