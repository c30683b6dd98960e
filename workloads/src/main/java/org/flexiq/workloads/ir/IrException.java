package org.flexiq.workloads.ir;

/** A graph or layer that is not well formed: bad attributes, mismatched shapes, dangling names, cycles. */
public class IrException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public IrException(String message) {
        super(message);
    }
}
