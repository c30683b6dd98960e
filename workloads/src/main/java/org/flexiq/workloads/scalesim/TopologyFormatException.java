package org.flexiq.workloads.scalesim;

/** A SCALE-Sim topology or config that cannot be read; the message names the file, the line and the field. */
public final class TopologyFormatException extends RuntimeException {
    public TopologyFormatException(String message) {
        super(message);
    }
}
