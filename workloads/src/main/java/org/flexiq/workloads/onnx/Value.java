package org.flexiq.workloads.onnx;

/** What an ONNX value is during import. */
sealed interface Value {
    /** Known at import time (initializers, constants, folded shape arithmetic). */
    record Known(ConstTensor tensor) implements Value {
    }

    /**
     * A tensor of the IR graph. {@code batched}: its ONNX form has a leading batch dimension that the IR
     * (which runs one sample) leaves out.
     */
    record Live(String tensor, boolean batched) implements Value {
    }

    /** Downstream of an unsupported node (only when surveying a model for {@code inspect}). */
    record Missing() implements Value {
    }
}
