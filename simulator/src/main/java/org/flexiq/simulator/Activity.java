package org.flexiq.simulator;

/**
 * What a cycle is spent on, in priority order: when several units are busy in one cycle, the cycle counts
 * for the first of them, so a layer's breakdown sums to its cycles.
 */
public enum Activity {
    INT8_MAC("int8 MAC"),
    INT4_MAC("int4 MAC"),
    PRELOAD("preload"),
    FILL_DRAIN("fill/drain"),
    EXTRACTION("extraction"),
    REORDER("reorder"),
    VECTOR("vector"),
    DMA_STALL("DMA stall");

    private final String label;

    Activity(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
