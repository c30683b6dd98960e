package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.simulator.Scoreboard.Region;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The NPU stepped one cycle at a time, computing values. The same ops as the fast engine ({@link OpPlanner}),
 * but nothing is computed from a formula of start times: each cycle, the head of each queue starts when its
 * dispatch cycle has come, its fence and semaphore barriers and its hazards (edges to the earlier ops it
 * conflicts with) have cleared and its unit is free; the register-level {@link SystolicArray} moves every
 * PE's registers and says when a fold's last partial sum has left; DMA channels and the vector unit are
 * busy for their counted cycles. Values: DMA and vector ops apply their effect when they finish (hazards keep
 * everything else off their operands meanwhile), folds read the scratchpad when they start.
 */
public final class CycleEngine {
    private static final int LOAD = 0;
    private static final int EXEC = 1;
    private static final int STORE = 2;

    /** The run's statistics and its outputs (logical row-major int8). */
    public record Result(RunStats stats, Map<String, byte[]> outputs) {
    }

    private final TimingModel tm;
    private final MachineState m;
    private final InstructionSemantics values;
    private final SystolicArray array;
    private final List<TimedOp> ops;
    private final int[][] deps;
    private final int[][] barrier;
    private final int[] queueOf;
    private final List<List<Integer>> queues = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    private final int[] head = new int[3];
    private final int[] finishedPrefix = new int[3];
    private final long[] start;
    private final long[] finish;
    private final boolean[] finished;
    private final SystolicArray.Fold[] folds;
    private long loadPortFree;
    private long storePortFree;
    private long vectorFree;
    private int lastVector = -1;
    private long shadowFree;
    private boolean shadowKnown = true;
    private long arrayInputFree;
    private long lastPreloadDone;
    private int lastPreload = -1;
    private int lastCompute = -1;
    private int foldIds;
    private int remaining;
    /** Computes that have started and are not known to have finished, oldest first. */
    private final List<Integer> computing = new ArrayList<>();
    private byte[] activity = new byte[1 << 16];

    private CycleEngine(NpuConfig config, List<TimedOp> ops, MachineState m) {
        this.tm = new TimingModel(config);
        this.m = m;
        this.values = new InstructionSemantics(m);
        this.array = new SystolicArray(config.arrayRows(), config.arrayCols());
        this.ops = ops;
        int n = ops.size();
        this.start = new long[n];
        this.finish = new long[n];
        this.finished = new boolean[n];
        this.folds = new SystolicArray.Fold[n];
        Arrays.fill(start, -1);
        Arrays.fill(finish, -1);
        this.queueOf = new int[n];
        this.barrier = new int[n][];
        this.deps = new int[n][];
        plan(config.target().scratchpadBytes(), config.target().accumulatorRows());
    }

    /** One inference with its values; {@code extractionMode} 0 static, 1 dynamic. */
    public static Result run(NpuProgram program, NpuConfig config, String profile, int extractionMode, Map<String, int[]> inputs) {
        config.checkRuns(program);
        MachineState m = FunctionalExecutor.load(program, profile, extractionMode, inputs);
        List<String> names = new ArrayList<>();
        OpPlanner planner = new OpPlanner(new TimingModel(config), extractionMode);
        List<TimedOp> ops = planner.plan(program, program.profile(profile), names);
        CycleEngine e = new CycleEngine(config, ops, m);
        long end;
        try {
            end = e.simulate();
        } finally {
            e.array.close();
        }
        long[] layerEnd = new long[names.size()];
        for (int i = 0; i < ops.size(); i++) {
            if (e.finish[i] >= 0) {
                layerEnd[ops.get(i).layer] = Math.max(layerEnd[ops.get(i).layer], e.finish[i]);
            }
        }
        RunStats stats = Statistics.of("cycle", config, profile, names, ops, layerEnd, 0, e.intervals(end), e.start, e.finish, planner.events());
        return new Result(stats, FunctionalExecutor.outputs(program, m));
    }

    /** Queues, fence and semaphore barriers, and hazard edges: from program order, as the dispatcher builds them. */
    private void plan(int scratchpadBytes, int accumulatorRows) {
        int[] fence = new int[3];
        int[][] queueBarrier = new int[3][3];
        List<ArrayDeque<int[]>> semaphores = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            semaphores.add(new ArrayDeque<>());
        }
        Hazards hazards = new Hazards(scratchpadBytes, accumulatorRows);
        for (int i = 0; i < ops.size(); i++) {
            TimedOp op = ops.get(i);
            switch (op.kind) {
                case FENCE -> {
                    for (int q = 0; q < 3; q++) {
                        if ((op.mask >> q & 1) != 0) {
                            fence[q] = queues.get(q).size();
                        }
                    }
                    queueOf[i] = -1;
                    continue;
                }
                case SEM_POST -> {
                    semaphores.get(op.sem).add(new int[]{op.queue, queues.get(op.queue).size()});
                    queueOf[i] = -1;
                    continue;
                }
                case SEM_WAIT -> {
                    int[] post = semaphores.get(op.sem).poll();
                    if (post == null) {
                        throw new NpuFault("sem.wait on semaphore " + op.sem + " before any sem.post in program order");
                    }
                    queueBarrier[op.queue][post[0]] = Math.max(queueBarrier[op.queue][post[0]], post[1]);
                    queueOf[i] = -1;
                    continue;
                }
                default -> {
                }
            }
            int q = op.kind == TimedOp.Kind.LOAD ? LOAD : op.kind == TimedOp.Kind.STORE ? STORE : EXEC;
            queueOf[i] = q;
            queues.get(q).add(i);
            int[] b = new int[3];
            for (int k = 0; k < 3; k++) {
                b[k] = Math.max(fence[k], queueBarrier[q][k]);
            }
            barrier[i] = b;
            deps[i] = hazards.edges(i, op);
        }
    }

    private long simulate() {
        long t = 0;
        remaining = 0;
        for (List<Integer> q : queues) {
            remaining += q.size();
        }
        long idleLimit = 100_000_000L;
        while (remaining > 0 || array.busy()) {
            int retired = retire(t);
            if (retired > 0) {
                idleLimit = t + 100_000_000L;
            }
            boolean progress = true;
            while (progress) {
                progress = false;
                for (int q = 0; q < 3; q++) {
                    while (head[q] < queues.get(q).size() && tryStart(queues.get(q).get(head[q]), t)) {
                        head[q]++;
                        progress = true;
                    }
                }
                progress |= retire(t) > 0;
            }
            if (array.cycle() != t) {
                throw new IllegalStateException("array at cycle " + array.cycle() + ", engine at " + t);
            }
            array.step();
            for (int i : computing) {
                if (finish[i] < 0 && folds[i].lastOutputCycle == t) {
                    finish[i] = t + 1; // its last partial sum left the array this cycle
                    if (!tm.doubleBuffered && i == lastCompute) {
                        shadowFree = t + 1;
                        shadowKnown = true;
                    }
                }
            }
            record(t);
            long now = t;
            computing.removeIf(i -> finish[i] >= 0 && finish[i] <= now);
            if (++t > idleLimit) {
                throw new IllegalStateException("no op finished in 100 M cycles: the schedule is stuck at cycle " + t);
            }
        }
        return t;
    }

    /** Ops whose finish has come are done: their values are applied and their queue prefix advances. */
    private int retire(long t) {
        int n = 0;
        for (int q = 0; q < 3; q++) {
            List<Integer> list = queues.get(q);
            for (int k = finishedPrefix[q]; k < head[q]; k++) {
                int i = list.get(k);
                if (!finished[i] && finish[i] >= 0 && finish[i] <= t) {
                    finished[i] = true;
                    remaining--;
                    n++;
                    apply(ops.get(i));
                }
            }
            while (finishedPrefix[q] < head[q] && finished[list.get(finishedPrefix[q])]) {
                finishedPrefix[q]++;
            }
        }
        return n;
    }

    private boolean tryStart(int i, long t) {
        TimedOp op = ops.get(i);
        if (op.dispatch > t) {
            return false;
        }
        for (int q = 0; q < 3; q++) {
            if (finishedPrefix[q] < barrier[i][q]) {
                return false;
            }
        }
        for (int d : deps[i]) {
            if (!finished[d]) {
                return false;
            }
        }
        switch (op.kind) {
            case LOAD -> {
                if (loadPortFree > t) {
                    return false;
                }
                loadPortFree = t + op.occupancy;
                begin(i, t, t + op.occupancy + op.latency);
            }
            case STORE -> {
                if (storePortFree > t) {
                    return false;
                }
                storePortFree = t + op.occupancy;
                begin(i, t, t + op.occupancy + op.latency);
            }
            case VECTOR -> {
                if (vectorFree > t) {
                    return false;
                }
                vectorFree = t + op.occupancy;
                lastVector = i;
                begin(i, t, t + op.occupancy);
            }
            case PRELOAD -> {
                if (!shadowKnown || shadowFree > t) {
                    return false;
                }
                folds[i] = weights(op);
                array.preload(folds[i]);
                lastPreload = i;
                lastPreloadDone = t + op.occupancy;
                begin(i, t, t + op.occupancy);
            }
            case COMPUTE -> {
                if (lastPreload < 0) {
                    throw new NpuFault("compute before any preload");
                }
                if (lastPreloadDone > t || arrayInputFree > t) {
                    return false;
                }
                SystolicArray.Fold f = folds[lastPreload];
                if (f.computeStart >= 0) {
                    throw new NpuFault("a second compute on one preload: the cycle engine streams each preloaded tile once");
                }
                input(op, f);
                folds[i] = f;
                array.compute(f);
                lastCompute = i;
                computing.add(i);
                arrayInputFree = t + op.occupancy;
                if (tm.doubleBuffered) {
                    shadowFree = t;
                } else {
                    shadowKnown = false;
                }
                start[i] = t;
            }
            default -> throw new IllegalStateException("not queued: " + op.kind);
        }
        return true;
    }

    private void begin(int i, long t, long end) {
        start[i] = t;
        finish[i] = end;
        if (end == t) {
            finished[i] = true; // nothing to wait for: its effect is immediate
            remaining--;
            apply(ops.get(i));
        }
    }

    /** An op's effect on the machine's values, under the window geometry it was dispatched with. */
    private void apply(TimedOp op) {
        if (op.insn != null) {
            if (op.insn instanceof Instruction.Pool || op.insn instanceof Instruction.DwConv) {
                values.execute(op.geometry);
            }
            values.execute(op.insn);
        }
    }

    /** A preload's weight tile from the scratchpad, lowered to 4 bits with its column shifts in int4 mode (unless it holds codes). */
    private SystolicArray.Fold weights(TimedOp op) {
        Instruction.Preload p = op.preload;
        m.spRange("preload weights", p.sp(), p.rows(), p.stride(), p.cols());
        int[] shift = new int[p.cols()];
        if (op.int4) {
            m.spRange("preload shifts", p.shifts(), 1, 0, p.cols());
            for (int c = 0; c < p.cols(); c++) {
                shift[c] = m.sp[p.shifts() + c];
            }
        }
        int[] w = new int[p.rows() * p.cols()];
        for (int r = 0; r < p.rows(); r++) {
            for (int c = 0; c < p.cols(); c++) {
                int v = m.sp[p.sp() + r * p.stride() + c];
                w[r * p.cols() + c] = !op.int4 ? v : p.codes() == 1 ? InstructionSemantics.weightCode(v, p.sp() + r * p.stride() + c) : FourBit.lower(v, shift[c]);
            }
        }
        return new SystolicArray.Fold(foldIds++, op.int4, p.rows(), p.cols(), w, shift);
    }

    /** A compute's activation rows (through the window geometry for a convolution; padding rows read zeros). */
    private void input(TimedOp op, SystolicArray.Fold f) {
        Instruction.Compute c = op.compute;
        if (op.int4 != f.int4) {
            throw new NpuFault("compute in " + (op.int4 ? "int4" : "int8") + " mode after a preload in the other mode");
        }
        int rows = c.rows();
        int k = f.k;
        int[] a = new int[rows * k];
        int[] shifts = new int[rows];
        for (int r = 0; r < rows; r++) {
            int row = c.conv() == 1 ? InstructionSemantics.convPixel(op.geometry, c.obase() + r, c.tap()) : r;
            if (row < 0) {
                continue;
            }
            int base = c.sp() + row * c.stride();
            m.spRange("compute activations", base, 1, 0, k);
            for (int j = 0; j < k; j++) {
                int v = m.sp[base + j];
                a[r * k + j] = op.int4 ? (v << 27) >> 27 : v; // a signed or unsigned 4-bit code, as InstructionSemantics reads it
            }
            if (op.int4) {
                shifts[r] = m.sp[c.ashift() + row * c.ashstride()];
            }
        }
        m.accRange("compute destination", c.acc(), rows, f.n);
        f.input(rows, a, shifts, c.accumulate() == 1, m.acc, c.acc());
    }

    /** What this cycle was spent on, by the priority of {@link Activity}. */
    private void record(long t) {
        Activity a = Activity.DMA_STALL;
        boolean draining = false;
        for (int i : computing) {
            if (t < start[i] + ops.get(i).occupancy) {
                a = ops.get(i).int4 ? Activity.INT4_MAC : Activity.INT8_MAC;
            } else if (finish[i] < 0 || t < finish[i]) {
                draining = true;
            }
        }
        if (a == Activity.DMA_STALL) {
            if (lastPreload >= 0 && start[lastPreload] <= t && t < finish[lastPreload]) {
                a = Activity.PRELOAD;
            } else if (draining) {
                a = Activity.FILL_DRAIN;
            } else if (lastVector >= 0 && start[lastVector] <= t && t < finish[lastVector]) {
                a = ops.get(lastVector).activity;
            }
        }
        if (t >= activity.length) {
            activity = Arrays.copyOf(activity, activity.length * 2);
        }
        activity[(int) t] = (byte) a.ordinal();
    }

    /** The recorded cycles as spans of execute-unit activity. */
    private ActivitySpans intervals(long end) {
        ActivitySpans out = new ActivitySpans();
        long t = 0;
        while (t < end) {
            int a = activity[(int) t];
            long s = t;
            while (t < end && activity[(int) t] == a) {
                t++;
            }
            if (a != Activity.DMA_STALL.ordinal()) {
                out.add(s, t, a);
            }
        }
        return out;
    }

    /**
     * Hazard edges by program order: per 8-byte scratchpad granule its last writer and the readers since, per
     * accumulator row the last writer of each kind (folds and others) and the readers since. An op depends
     * on what it would read after or write over; folds do not wait on folds' accumulator writes (the array
     * orders them), and since every writer waited on the accesses before it, the last ones stand for all.
     */
    private static final class Hazards {
        private final int[] spWriter;
        private final Readers spReaders;
        private final int[] accOther;
        private final int[] accFold;
        private final Readers accReaders;
        /** The edges of the op being planned, without repeats: stamp[j] == op + 1 once j is among them. */
        private int[] stamp = new int[1024];
        private int[] found = new int[64];
        private int count;
        private int op;

        Hazards(int scratchpadBytes, int accumulatorRows) {
            int g = (scratchpadBytes + Scoreboard.GRANULE - 1) / Scoreboard.GRANULE;
            spWriter = new int[g];
            Arrays.fill(spWriter, -1);
            spReaders = new Readers(g);
            accOther = new int[accumulatorRows];
            accFold = new int[accumulatorRows];
            Arrays.fill(accOther, -1);
            Arrays.fill(accFold, -1);
            accReaders = new Readers(accumulatorRows);
        }

        int[] edges(int i, TimedOp t) {
            op = i;
            count = 0;
            if (stamp.length <= i) {
                stamp = Arrays.copyOf(stamp, Math.max(2 * stamp.length, i + 1));
            }
            for (Region r : t.reads) {
                for (long g = first(r); g >= 0; g = next(r, g)) {
                    add(spWriter[(int) g]);
                }
            }
            for (Region w : t.writes) {
                for (long g = first(w); g >= 0; g = next(w, g)) {
                    add(spWriter[(int) g]);
                    spReaders.addTo(this, (int) g);
                }
            }
            boolean fold = t.kind == TimedOp.Kind.COMPUTE;
            for (int row = t.accRow; t.accRow >= 0 && row < t.accRow + t.accRows; row++) {
                add(accOther[row]);
                if (!fold) {
                    add(accFold[row]);
                }
                if (t.accWrite) {
                    accReaders.addTo(this, row);
                }
            }
            for (Region r : t.reads) {
                for (long g = first(r); g >= 0; g = next(r, g)) {
                    spReaders.add((int) g, i);
                }
            }
            for (Region w : t.writes) {
                for (long g = first(w); g >= 0; g = next(w, g)) {
                    spWriter[(int) g] = i;
                    spReaders.clear((int) g);
                }
            }
            for (int row = t.accRow; t.accRow >= 0 && row < t.accRow + t.accRows; row++) {
                if (t.accWrite) {
                    if (fold) {
                        accFold[row] = i;
                    } else {
                        accOther[row] = i;
                    }
                    accReaders.clear(row);
                } else {
                    accReaders.add(row, i);
                }
            }
            return Arrays.copyOf(found, count);
        }

        private void add(int j) {
            if (j < 0 || j == op || stamp[j] == op + 1) {
                return;
            }
            stamp[j] = op + 1;
            if (count == found.length) {
                found = Arrays.copyOf(found, 2 * count);
            }
            found[count++] = j;
        }

        /**
         * The granules a region touches, each once, in increasing order: rows are visited in order and a
         * granule shared by consecutive rows is not repeated; the region is cut at the end of the scratchpad.
         */
        private long first(Region r) {
            if (r.rows() == 0 || r.cols() == 0) {
                return -1;
            }
            cursorRow = 0;
            long g = r.addr() / Scoreboard.GRANULE;
            return g < spWriter.length ? g : -1;
        }

        /** The row of the region {@link #next} is in. */
        private long cursorRow;

        private long next(Region r, long g) {
            long end = Math.min(spWriter.length - 1, (r.addr() + cursorRow * r.stride() + r.cols() - 1) / Scoreboard.GRANULE);
            if (g < end) {
                return g + 1;
            }
            while (r.stride() != 0 && ++cursorRow < r.rows()) {
                long a = r.addr() + cursorRow * r.stride();
                long from = Math.max(a / Scoreboard.GRANULE, g + 1);
                if (from <= Math.min(spWriter.length - 1, (a + r.cols() - 1) / Scoreboard.GRANULE)) {
                    return from;
                }
            }
            return -1;
        }

        /** Per slot (granule or accumulator row), the ops that read it since its last write. */
        private static final class Readers {
            private final int[][] ops;
            private final int[] size;

            Readers(int slots) {
                ops = new int[slots][];
                size = new int[slots];
            }

            void add(int slot, int op) {
                int[] a = ops[slot];
                if (a == null) {
                    a = ops[slot] = new int[2];
                } else if (size[slot] == a.length) {
                    a = ops[slot] = Arrays.copyOf(a, 2 * a.length);
                }
                a[size[slot]++] = op;
            }

            void addTo(Hazards h, int slot) {
                int[] a = ops[slot];
                for (int k = 0; k < size[slot]; k++) {
                    h.add(a[k]);
                }
            }

            void clear(int slot) {
                size[slot] = 0;
            }
        }
    }
}
