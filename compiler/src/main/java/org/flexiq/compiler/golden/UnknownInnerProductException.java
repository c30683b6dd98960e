package org.flexiq.compiler.golden;

/** {@code -Dflexiq.golden.inner-product} names no {@link InnerProduct}: bad input, refused where an executor is built. */
public final class UnknownInnerProductException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnknownInnerProductException(String message) {
        super(message);
    }
}
