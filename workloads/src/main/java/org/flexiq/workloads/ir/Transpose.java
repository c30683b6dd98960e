package org.flexiq.workloads.ir;

import java.util.List;

import static org.flexiq.workloads.ir.Layer.require;

/** Permutes dimensions: output dimension i is input dimension perm[i]. */
public record Transpose(List<Integer> perm) implements Layer {
    public Transpose {
        require(perm != null && !perm.isEmpty(), "Transpose.perm is missing");
        perm = List.copyOf(perm);
        boolean[] seen = new boolean[perm.size()];
        for (int p : perm) {
            require(p >= 0 && p < seen.length && !seen[p], "Transpose.perm " + perm + " is not a permutation");
            seen[p] = true;
        }
    }

    @Override
    public int minInputs() {
        return 1;
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
        Shape in = inputs.get(0);
        require(in.rank() == perm.size(), "Transpose.perm " + perm + " does not match rank of " + in);
        int[] dims = new int[perm.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = in.dim(perm.get(i));
        }
        return Shape.of(dims);
    }
}
