package org.flexiq.simulator.energy;

/** Where energy goes, as the reports break it down. */
public enum EnergyComponent {
    PE_MACS("PE MACs"),
    PE_REGISTERS("PE weight registers"),
    ACCUMULATE("accumulate (add, shift)"),
    VECTOR_UNIT("vector unit"),
    SCRATCHPAD("scratchpad"),
    ACCUMULATOR("accumulator SRAM"),
    DRAM("DRAM"),
    TRANSPOSER("transposer"),
    CONTROL("control registers"),
    LEAKAGE("leakage");

    private final String label;

    EnergyComponent(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
