package org.flexiq.compiler.lower;

/** The model cannot be compiled for this NPU (a tile that cannot fit, a group width the array cannot take, ...). */
public class InfeasibleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InfeasibleException(String message) {
        super(message);
    }
}
