package org.flexiq.simulator;

import org.flexiq.isa.Opcode;

import java.util.EnumMap;
import java.util.Map;

/** What a functional run did: instructions by opcode, folds and MACs by precision, bytes moved by DMA and reorders. */
public final class ExecutionCounts {
    final EnumMap<Opcode, Long> instructions = new EnumMap<>(Opcode.class);
    long int8Folds;
    long int4Folds;
    long int8Macs;
    long int4Macs;
    long dmaBytes;
    long reorderBytes;

    void count(Opcode op) {
        instructions.merge(op, 1L, Long::sum);
    }

    public Map<Opcode, Long> instructions() {
        return java.util.Collections.unmodifiableMap(instructions);
    }

    public long int8Folds() {
        return int8Folds;
    }

    public long int4Folds() {
        return int4Folds;
    }

    /** Useful multiply-accumulates done in int8 mode (operand pairs, padding rows excluded). */
    public long int8Macs() {
        return int8Macs;
    }

    public long int4Macs() {
        return int4Macs;
    }

    public long dmaBytes() {
        return dmaBytes;
    }

    public long reorderBytes() {
        return reorderBytes;
    }
}
