package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.simulator.Scoreboard.Region;

/**
 * One unit of work for a timing engine, in program order: an instruction, or one fold (preload or compute)
 * of a loop.ws. It carries what scheduling needs (unit, dispatch cycle, scratchpad and accumulator access,
 * durations) and what the statistics count; the engines differ only in how they find its start.
 */
final class TimedOp {
    enum Kind { FENCE, SEM_POST, SEM_WAIT, LOAD, STORE, VECTOR, PRELOAD, COMPUTE }

    static final Region[] NONE = new Region[0];

    final Kind kind;
    final long dispatch;
    final int layer;
    Activity activity = Activity.VECTOR;
    /** LOAD/STORE: cycles on the channel; VECTOR: cycles; PRELOAD: R; COMPUTE: rows streamed (M). */
    long occupancy;
    /** LOAD/STORE: DRAM latency after the channel. */
    long latency;
    Region[] reads = NONE;
    Region[] writes = NONE;
    int accRow = -1;
    int accRows;
    boolean accWrite;
    /** FENCE: queue mask; SEM_*: queue and semaphore. */
    int mask;
    int queue;
    int sem;
    long int8Macs;
    long int4Macs;
    long dmaBytes;
    long macSlots;
    int folds;
    /** LOAD/STORE/VECTOR: the instruction, for the values it computes. */
    Instruction insn;
    /** PRELOAD/COMPUTE: the fold's operands; COMPUTE, pool and dwconv: the window geometry at dispatch. */
    Instruction.Preload preload;
    Instruction.Compute compute;
    Instruction.ConfigConv geometry;
    boolean int4;

    TimedOp(Kind kind, long dispatch, int layer) {
        this.kind = kind;
        this.dispatch = dispatch;
        this.layer = layer;
    }
}
