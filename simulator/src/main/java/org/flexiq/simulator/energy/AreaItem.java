package org.flexiq.simulator.energy;

/** The parts the area model sums. {@link #PE} is per PE (as Accelergy's ART lists an instance); the others whole. */
public enum AreaItem {
    PE("pe_array", "PE"),
    SCRATCHPAD("scratchpad", "scratchpad"),
    ACCUMULATOR("accumulator", "accumulator SRAM"),
    VECTOR_UNIT("vector_unit", "vector unit"),
    SHIFTERS("accumulate", "group shifters"),
    /** {@code mvin.t}'s R x R byte registers. */
    TRANSPOSER("transposer", "transposer");

    private final String component;
    private final String label;

    AreaItem(String component, String label) {
        this.component = component;
        this.label = label;
    }

    /** The component's name in an ART. */
    public String component() {
        return component;
    }

    public String label() {
        return label;
    }
}
