package org.flexiq.isa;

/**
 * The unit that runs an instruction, and so the queue it is issued to. Load and store are the DMA engine's
 * two queues; matrix and vector share the execute queue (as in Gemmini), control runs at issue.
 */
public enum Unit {
    LOAD, MATRIX, VECTOR, STORE, CONTROL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
