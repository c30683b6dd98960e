package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The NPU at instruction granularity: every op ({@link OpPlanner}) gets its start as the maximum of the
 * times its resources and dependences allow, in program order, and its finish from closed-form durations
 * ({@link TimingModel}) (simulator/README.md, "Timing model"). No values are computed: timing depends
 * only on the program and its registers.
 */
public final class FastEngine {
    private static final int LOAD = 0;
    private static final int EXEC = 1;
    private static final int STORE = 2;

    private final NpuConfig config;
    private final TimingModel tm;
    private final Scoreboard sb;
    private final long[] queueFinish = new long[3];
    private final long[] queueNotBefore = new long[3];
    private final List<ArrayDeque<Long>> semaphores = new ArrayList<>();
    private final ActivitySpans intervals = new ActivitySpans();
    private long notBefore;
    private long execIssue;
    private long loadPortFree;
    private long storePortFree;
    private long vectorFree;
    private long shadowFree;
    private long arrayInputFree;
    private long lastPreloadDone;
    private long end;
    private long[] layerEnd;
    /** The work of the ops timed so far. */
    private Statistics tally;

    private FastEngine(NpuProgram program, NpuConfig config) {
        config.checkRuns(program);
        this.config = config;
        this.tm = new TimingModel(config);
        this.sb = new Scoreboard(config.target().scratchpadBytes(), config.target().accumulatorRows());
        for (int i = 0; i < 16; i++) {
            semaphores.add(new ArrayDeque<>());
        }
    }

    /** One inference with a register profile; {@code extractionMode} 0 static, 1 dynamic. */
    public static RunStats run(NpuProgram program, NpuConfig config, String profile, int extractionMode) {
        return schedule(program, config, List.of(profile), extractionMode).get(0);
    }

    /**
     * Successive inferences, the registers switched to each profile in turn between them (one register
     * write per layer register, through the dispatcher). Each result's cycles run from the previous
     * inference's end to its own, so the switch is charged to the inference it prepares.
     */
    public static List<RunStats> schedule(NpuProgram program, NpuConfig config, List<String> profiles, int extractionMode) {
        FastEngine e = new FastEngine(program, config);
        OpPlanner planner = new OpPlanner(e.tm, extractionMode);
        List<RunStats> out = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long previous = 0;
        // the register writes' own layer 0 and one per layer marker (an assembled program may mark a layer twice)
        int layers = 1;
        for (Instruction i : program.code()) {
            if (i instanceof Instruction.Layer) {
                layers++;
            }
        }
        for (String name : profiles) {
            e.intervals.clear();
            e.layerEnd = new long[layers];
            e.tally = new Statistics(config, layers);
            // each op is timed as it is planned, in program order: none is kept
            planner.plan(program, program.profile(name), names, e::schedule);
            out.add(e.tally.stats("fast", config, name, names, e.layerEnd, previous, e.intervals, planner.events()));
            previous = e.end;
        }
        return out;
    }

    private void schedule(TimedOp op) {
        long d = op.dispatch;
        switch (op.kind) {
            case FENCE -> {
                for (int q = 0; q < 3; q++) {
                    if ((op.mask >> q & 1) != 0) {
                        notBefore = Math.max(notBefore, queueFinish[q]);
                    }
                }
            }
            case SEM_POST -> semaphores.get(op.sem).add(queueFinish[op.queue]);
            case SEM_WAIT -> {
                Long t = semaphores.get(op.sem).poll();
                if (t == null) {
                    throw new NpuFault("sem.wait on semaphore " + op.sem + " before any sem.post in program order");
                }
                queueNotBefore[op.queue] = Math.max(queueNotBefore[op.queue], t);
            }
            case LOAD -> {
                long start = deps(op, false, max(d, notBefore, queueNotBefore[LOAD], loadPortFree));
                loadPortFree = start + op.occupancy;
                done(op, LOAD, start, start + op.occupancy + op.latency, false);
            }
            case STORE -> {
                long start = deps(op, false, max(d, notBefore, queueNotBefore[STORE], storePortFree));
                storePortFree = start + op.occupancy;
                done(op, STORE, start, start + op.occupancy + op.latency, false);
            }
            case VECTOR -> {
                long start = deps(op, false, max(d, notBefore, queueNotBefore[EXEC], execIssue, vectorFree));
                long finish = start + op.occupancy;
                execIssue = start;
                vectorFree = finish;
                interval(start, start, finish, op.activity);
                done(op, EXEC, start, finish, false);
            }
            case PRELOAD -> {
                long start = deps(op, true, max(d, notBefore, queueNotBefore[EXEC], execIssue, shadowFree));
                long finish = start + op.occupancy;
                execIssue = start;
                lastPreloadDone = finish;
                interval(start, start, finish, Activity.PRELOAD);
                done(op, EXEC, start, finish, true);
            }
            case COMPUTE -> {
                long start = deps(op, true, max(d, notBefore, queueNotBefore[EXEC], execIssue, Math.max(lastPreloadDone, arrayInputFree)));
                long finish = start + tm.compute(op.occupancy);
                execIssue = start;
                arrayInputFree = start + op.occupancy;
                shadowFree = tm.doubleBuffered ? start : finish;
                interval(start, start, start + op.occupancy, op.int4 ? Activity.INT4_MAC : Activity.INT8_MAC);
                interval(start, start + op.occupancy, finish, Activity.FILL_DRAIN);
                done(op, EXEC, start, finish, true);
            }
            default -> throw new IllegalStateException("no schedule for " + op.kind);
        }
    }

    /**
     * The op's start: {@code floor} (what its queue, unit and dispatch allow) or later, when its scratchpad and
     * accumulator hazards clear. The scoreboard skips what cannot raise the floor, and remembers a compute's
     * operands: the loop's other folds read them again.
     */
    private long deps(TimedOp op, boolean matrix, long floor) {
        long t = sb.spReady(op.reads, op.writes, floor, op.kind == TimedOp.Kind.COMPUTE);
        return op.accRow < 0 ? t : Math.max(t, sb.accReady(op.accRow, op.accRows, op.accWrite, matrix));
    }

    private void done(TimedOp op, int queue, long start, long finish, boolean matrix) {
        tally.add(op, start, finish);
        sb.spDone(op.reads, op.writes, finish, op.kind == TimedOp.Kind.COMPUTE);
        if (op.accRow >= 0) {
            sb.accDone(op.accRow, op.accRows, op.accWrite, matrix, finish);
        }
        queueFinish[queue] = Math.max(queueFinish[queue], finish);
        layerEnd[op.layer] = Math.max(layerEnd[op.layer], finish);
        end = Math.max(end, finish);
    }

    /** Fixed arities, not varargs: a varargs call allocated its array on every op (times are never negative). */
    private static long max(long a, long b, long c, long d) {
        return Math.max(Math.max(a, b), Math.max(c, d));
    }

    private static long max(long a, long b, long c, long d, long e) {
        return Math.max(max(a, b, c, d), e);
    }

    /**
     * A span of the execute op that starts at {@code opStart}. Execute ops start in program order (each no earlier than
     * the last one's issue), so no later span starts before it: the spans' earlier events can be put in order.
     */
    private void interval(long opStart, long start, long finish, Activity a) {
        intervals.advance(opStart);
        intervals.add(start, finish, a.ordinal());
    }

}
