package org.flexiq.simulator;

/**
 * The events the energy model charges, beyond the MACs ({@link LayerStats#int8Macs()}, {@link LayerStats#int4Macs()}).
 * Both timing engines plan the same ops ({@link OpPlanner}), which counts these, so their counts are equal by
 * construction; EngineEquivalenceTest checks it. SRAM events come as accesses (one per port-wide word: a
 * scratchpad row is R bytes wide, an accumulator row C int32) and as bytes.
 */
public enum Event {
    /** Bytes written into PE weight registers by preloads. */
    WEIGHT_REGISTER_WRITE("pe_array", "weight_write", "bytes"),
    /** int32 additions of partial sums into the accumulator (one per output element per fold). */
    ACCUMULATE_ADD("accumulate", "add", "ops"),
    /** Left shifts of int4 folds' partial sums by their group's shifts before they are added. */
    GROUP_SHIFT("accumulate", "shift", "ops"),
    /** Elements lowered from 8 to 4 bits (dynamic extraction counts its OR-reduce pass as a second one). */
    EXTRACT("vector_unit", "extract", "elements"),
    /** Elements moved by channel reorders (gathers). */
    REORDER("vector_unit", "reorder", "elements"),
    /** Accumulator values requantized to int8 (fixed-point multiply, shift, clamp). */
    REQUANT("vector_unit", "requant", "elements"),
    /** Other vector-unit element operations: LUT, add, pooling taps, softmax and layernorm passes. */
    VECTOR_OP("vector_unit", "op", "elements"),
    SCRATCHPAD_READ("scratchpad", "read", "accesses"),
    SCRATCHPAD_WRITE("scratchpad", "write", "accesses"),
    SCRATCHPAD_READ_BYTES("scratchpad", "read_bytes", "bytes"),
    SCRATCHPAD_WRITE_BYTES("scratchpad", "write_bytes", "bytes"),
    ACCUMULATOR_READ("accumulator", "read", "accesses"),
    ACCUMULATOR_WRITE("accumulator", "write", "accesses"),
    ACCUMULATOR_READ_BYTES("accumulator", "read_bytes", "bytes"),
    ACCUMULATOR_WRITE_BYTES("accumulator", "write_bytes", "bytes"),
    DRAM_READ_BYTES("dram", "read", "bytes"),
    DRAM_WRITE_BYTES("dram", "write", "bytes"),
    /** Bytes loaded through the transposer ({@code mvin.t}): each written into one of its R x R byte registers and read out. */
    TRANSPOSED_BYTES("transposer", "transpose", "bytes"),
    /** Control and configuration register writes (set.reg, config.conv, config.ws). */
    REGISTER_WRITE("registers", "write", "writes");

    private final String component;
    private final String action;
    private final String unit;

    Event(String component, String action, String unit) {
        this.component = component;
        this.action = action;
        this.unit = unit;
    }

    public String component() {
        return component;
    }

    public String action() {
        return action;
    }

    public String unit() {
        return unit;
    }

    /** component.action, as the CSV and JSON name it. */
    public String key() {
        return component + "." + action;
    }
}
