package org.flexiq.simulator.energy;

import org.flexiq.simulator.Event;
import org.flexiq.simulator.LayerStats;

/**
 * What the energy table prices, one energy per occurrence, named as an Accelergy ERT names them (component,
 * action). The counts come from a layer's statistics: MACs, {@link Event}s, and cycles for leakage.
 */
public enum EnergyAction {
    MAC_INT8("pe_array", "mac_int8", "MAC", EnergyComponent.PE_MACS, null),
    MAC_INT4("pe_array", "mac_int4", "MAC", EnergyComponent.PE_MACS, null),
    WEIGHT_WRITE("pe_array", "weight_write", "byte", EnergyComponent.PE_REGISTERS, Event.WEIGHT_REGISTER_WRITE),
    ACCUMULATE_ADD("accumulate", "add", "add", EnergyComponent.ACCUMULATE, Event.ACCUMULATE_ADD),
    GROUP_SHIFT("accumulate", "shift", "shift", EnergyComponent.ACCUMULATE, Event.GROUP_SHIFT),
    EXTRACT("vector_unit", "extract", "element", EnergyComponent.VECTOR_UNIT, Event.EXTRACT),
    REORDER("vector_unit", "reorder", "element", EnergyComponent.VECTOR_UNIT, Event.REORDER),
    REQUANT("vector_unit", "requant", "element", EnergyComponent.VECTOR_UNIT, Event.REQUANT),
    VECTOR_OP("vector_unit", "op", "element", EnergyComponent.VECTOR_UNIT, Event.VECTOR_OP),
    SCRATCHPAD_READ("scratchpad", "read", "access", EnergyComponent.SCRATCHPAD, Event.SCRATCHPAD_READ),
    SCRATCHPAD_WRITE("scratchpad", "write", "access", EnergyComponent.SCRATCHPAD, Event.SCRATCHPAD_WRITE),
    ACCUMULATOR_READ("accumulator", "read", "access", EnergyComponent.ACCUMULATOR, Event.ACCUMULATOR_READ),
    ACCUMULATOR_WRITE("accumulator", "write", "access", EnergyComponent.ACCUMULATOR, Event.ACCUMULATOR_WRITE),
    DRAM_READ("dram", "read", "byte", EnergyComponent.DRAM, Event.DRAM_READ_BYTES),
    DRAM_WRITE("dram", "write", "byte", EnergyComponent.DRAM, Event.DRAM_WRITE_BYTES),
    TRANSPOSE("transposer", "transpose", "byte", EnergyComponent.TRANSPOSER, Event.TRANSPOSED_BYTES),
    REGISTER_WRITE("registers", "write", "write", EnergyComponent.CONTROL, Event.REGISTER_WRITE),
    LEAK("chip", "leak", "cycle", EnergyComponent.LEAKAGE, null);

    private final String component;
    private final String action;
    private final String per;
    private final EnergyComponent part;
    private final Event event;

    EnergyAction(String component, String action, String per, EnergyComponent part, Event event) {
        this.component = component;
        this.action = action;
        this.per = per;
        this.part = part;
        this.event = event;
    }

    public String component() {
        return component;
    }

    public String action() {
        return action;
    }

    /** What one occurrence is (the unit of the energy: pJ per this). */
    public String per() {
        return per;
    }

    public EnergyComponent part() {
        return part;
    }

    /** How many times the layer did it. */
    public long count(LayerStats l) {
        if (this == MAC_INT8) {
            return l.int8Macs();
        }
        if (this == MAC_INT4) {
            return l.int4Macs();
        }
        if (this == LEAK) {
            return l.cycles();
        }
        return l.events().get(event);
    }
}
