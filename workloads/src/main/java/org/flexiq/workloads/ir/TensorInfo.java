package org.flexiq.workloads.ir;

import java.util.Objects;

/** A named graph input and its shape. */
public record TensorInfo(String name, Shape shape) {
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
    }
}
