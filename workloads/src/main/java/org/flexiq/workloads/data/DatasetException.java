package org.flexiq.workloads.data;

/** Data that is missing or malformed; the message says which file and how to get it. */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }
}
