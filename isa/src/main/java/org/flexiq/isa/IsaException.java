package org.flexiq.isa;

/** A malformed instruction, binary or assembly text; the message says where and what was expected. */
public class IsaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IsaException(String message) {
        super(message);
    }
}
