package org.flexiq.simulator;

/** A bad NPU config or preset name; the message names the file or preset and the field. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
