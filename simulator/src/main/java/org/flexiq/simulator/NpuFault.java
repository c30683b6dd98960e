package org.flexiq.simulator;

/** A program did something the machine cannot: an address outside a memory, a bad register value, a mode mismatch. */
public class NpuFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NpuFault(String message) {
        super(message);
    }
}
