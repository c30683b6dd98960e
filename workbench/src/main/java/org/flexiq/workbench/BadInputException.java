package org.flexiq.workbench;

/** Input the user can fix (a file, a name, a value): reported in one line with exit code 2. */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }
}
