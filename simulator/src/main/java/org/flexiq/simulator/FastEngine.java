package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.simulator.Scoreboard.Region;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The NPU at instruction granularity: every instruction gets a start and a finish from closed-form
 * durations ({@link TimingModel}) and the machine's resources, in program order (simulator/README.md,
 * "Timing model"). No values are computed: timing depends only on the program and its registers.
 */
public final class FastEngine {
    private static final int LOAD = 0;
    private static final int EXEC = 1;
    private static final int STORE = 2;

    private final NpuProgram program;
    private final NpuConfig config;
    private final TimingModel tm;
    private final Scoreboard sb;
    private final int[] regs = new int[NpuProgram.REGISTERS];
    private final long[] queueFinish = new long[3];
    private final long[] queueNotBefore = new long[3];
    private final List<ArrayDeque<Long>> semaphores = new ArrayList<>();
    private final List<long[]> intervals = new ArrayList<>();
    private Instruction.ConfigConv conv = new Instruction.ConfigConv(0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0);
    private Instruction.ConfigWs ws = new Instruction.ConfigWs(0, 0, 0, 0, 0, 0);
    private long dispatch;
    private long notBefore;
    private long execIssue;
    private long loadPortFree;
    private long storePortFree;
    private long vectorFree;
    private long shadowFree;
    private long arrayInputFree;
    private long lastPreloadDone;
    private int preloadRows;
    private int preloadCols;
    private long end;
    // per layer of the inference being timed
    private final List<String> names = new ArrayList<>();
    private final List<long[]> work = new ArrayList<>(); // finish, int8 MACs, int4 MACs, DMA bytes, MAC slots, folds
    private long[] current;

    private FastEngine(NpuProgram program, NpuConfig config) {
        if (!program.target().equals(config.target())) {
            throw new ConfigException(config.name() + ": the program was compiled for " + program.target() + ", this NPU is " + config.target());
        }
        this.program = program;
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
        e.regs[NpuProgram.EXTRACTION_MODE_REGISTER] = extractionMode;
        List<RunStats> out = new ArrayList<>();
        long previous = 0;
        for (String name : profiles) {
            RegisterProfile p = program.profile(name);
            e.names.clear();
            e.work.clear();
            e.intervals.clear();
            e.beginLayer("(register writes)");
            for (Map.Entry<Integer, Integer> r : p.values().entrySet()) {
                e.execute(new Instruction.SetReg(r.getKey(), r.getValue()));
            }
            for (Instruction i : program.code()) {
                if (i instanceof Instruction.Halt) {
                    break;
                }
                if (i instanceof Instruction.Layer l) {
                    e.beginLayer(program.layers().get(l.id()));
                } else {
                    e.execute(i);
                }
            }
            out.add(e.stats(name, previous));
            previous = e.end;
        }
        return out;
    }

    private void beginLayer(String name) {
        names.add(name);
        current = new long[6];
        work.add(current);
    }

    private void execute(Instruction insn) {
        long d = dispatch++;
        // Java 17 has no pattern switch; Instruction is sealed, and the final throw names a kind left out.
        if (insn instanceof Instruction.SetReg i) {
            if (i.reg() != 0) {
                regs[i.reg()] = i.value();
            }
        } else if (insn instanceof Instruction.ConfigConv i) {
            conv = i;
        } else if (insn instanceof Instruction.ConfigWs i) {
            ws = i;
        } else if (insn instanceof Instruction.Fence f) {
            for (int q = 0; q < 3; q++) {
                if ((f.mask() >> q & 1) != 0) {
                    notBefore = Math.max(notBefore, queueFinish[q]);
                }
            }
        } else if (insn instanceof Instruction.SemPost s) {
            checkQueue(s.queue());
            semaphores.get(s.sem()).add(queueFinish[s.queue()]);
        } else if (insn instanceof Instruction.SemWait s) {
            checkQueue(s.queue());
            Long t = semaphores.get(s.sem()).poll();
            if (t == null) {
                throw new NpuFault("sem.wait on semaphore " + s.sem() + " before any sem.post in program order");
            }
            queueNotBefore[s.queue()] = Math.max(queueNotBefore[s.queue()], t);
        } else if (insn instanceof Instruction.Mvin i) {
            Region[] w = {new Region(i.sp(), i.rows(), i.spstride(), i.cols())};
            load(d, new Region[0], w, -1, 0, tm.dmaOccupancy(i.rows(), i.cols(), i.dstride(), i.estride()), (long) i.rows() * i.cols());
        } else if (insn instanceof Instruction.MvinAcc i) {
            load(d, new Region[0], new Region[0], i.acc(), i.rows(), tm.dmaAccumulatorOccupancy(i.rows(), i.cols(), i.dstride() == 0),
                    4L * i.cols() * (i.dstride() == 0 ? 1 : i.rows()));
        } else if (insn instanceof Instruction.MvinIdx i) {
            load(d, new Region[]{Region.bytes(i.ids(), 4L * i.rows())}, new Region[]{new Region(i.sp(), i.rows(), i.spstride(), i.cols())},
                    -1, 0, tm.dmaGatherOccupancy(i.rows(), i.cols()), (long) i.rows() * i.cols());
        } else if (insn instanceof Instruction.Mvout i) {
            Region[] r = {new Region(i.sp(), i.rows(), i.spstride(), i.cols())};
            long start = max(d, notBefore, queueNotBefore[STORE], storePortFree, sb.spReady(r, new Region[0]));
            long occupancy = tm.dmaOccupancy(i.rows(), i.cols(), i.dstride(), i.estride());
            storePortFree = start + occupancy;
            long finish = start + occupancy + tm.latency();
            sb.spDone(r, new Region[0], finish);
            current[3] += (long) i.rows() * i.cols();
            finish(STORE, finish);
        } else if (insn instanceof Instruction.Preload i) {
            preload(d, i.sp(), i.rows(), i.cols(), i.stride(), i.mode(), i.shifts());
        } else if (insn instanceof Instruction.Compute i) {
            compute(d, i.sp(), i.stride(), i.acc(), i.rows(), i.mode(), i.ashift(), i.ashstride(), i.conv() == 1, i.tap(), i.obase());
        } else if (insn instanceof Instruction.LoopWs i) {
            loopWs(d, i);
        } else if (insn instanceof Instruction.Extract i) {
            int channels = regs[i.mreg()];
            int mode = i.mode() == 2 ? regs[NpuProgram.EXTRACTION_MODE_REGISTER] : i.mode();
            int groups = i.g() == 0 ? 0 : channels / i.g();
            vector(d, Activity.EXTRACTION, tm.vector(i.rows(), channels) * (mode == 1 ? 2 : 1),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), channels), Region.bytes(i.table(), mode == 0 ? groups : 0)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), channels), new Region(i.shifts(), i.rows(), i.shstride(), groups)},
                    -1, 0);
        } else if (insn instanceof Instruction.Requant i) {
            vector(d, Activity.VECTOR, tm.vector(i.rows(), i.cols()), new Region[]{Region.bytes(i.params(), (i.cols() - 1L) * i.pstride() + 8)},
                    new Region[]{new Region(i.sp(), i.rows(), i.spstride(), i.cols())}, i.acc(), i.rows());
        } else if (insn instanceof Instruction.Lut i) {
            vector(d, Activity.VECTOR, tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.table(), 256)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())}, -1, 0);
        } else if (insn instanceof Instruction.Add i) {
            vector(d, Activity.VECTOR, tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.a(), i.rows(), i.astride(), i.cols()), new Region(i.b(), i.rows(), i.bstride(), i.cols()),
                            Region.bytes(i.params(), 16)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())}, -1, 0);
        } else if (insn instanceof Instruction.Gather i) {
            vector(d, Activity.REORDER, tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.table(), 2L * i.cols())},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())}, -1, 0);
        } else if (insn instanceof Instruction.Pool i) {
            vector(d, Activity.VECTOR, tm.vector(i.rows(), i.cols()) * conv.kh() * conv.kw(),
                    new Region[]{band(i.src(), i.srcstride(), i.cols()), Region.bytes(i.params(), 8)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())}, -1, 0);
        } else if (insn instanceof Instruction.DwConv i) {
            int taps = conv.kh() * conv.kw();
            vector(d, Activity.VECTOR, tm.vector(i.rows(), i.cols()) * taps,
                    new Region[]{band(i.src(), i.srcstride(), i.cols()), Region.bytes(i.weights(), (long) i.cols() * taps),
                            Region.bytes(i.bias(), 4L * i.cols()), Region.bytes(i.params(), 8L * i.cols())},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())}, -1, 0);
            current[1] += (long) i.rows() * i.cols() * taps;
        } else if (insn instanceof Instruction.Softmax i) {
            vector(d, Activity.VECTOR, 3 * tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.table(), 1024)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())}, -1, 0);
        } else if (insn instanceof Instruction.LayerNorm i) {
            vector(d, Activity.VECTOR, 3 * tm.vector(i.rows(), i.cols()) + 32L * i.rows(),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.params(), 8L * i.cols() + 8)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())}, -1, 0);
        } else if (!(insn instanceof Instruction.Layer || insn instanceof Instruction.Halt)) {
            throw new IllegalStateException("no timing for " + insn.opcode());
        }
    }

    private static void checkQueue(int q) {
        if (q > STORE) {
            throw new NpuFault("semaphore queue " + q + " is not 0 (load), 1 (execute) or 2 (store)");
        }
    }

    private static long max(long... v) {
        long m = 0;
        for (long x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private void finish(int queue, long finish) {
        queueFinish[queue] = Math.max(queueFinish[queue], finish);
        current[0] = Math.max(current[0], finish);
        end = Math.max(end, finish);
    }

    private void load(long d, Region[] reads, Region[] writes, int accRow, int accRows, long occupancy, long bytes) {
        long start = max(d, notBefore, queueNotBefore[LOAD], loadPortFree, sb.spReady(reads, writes),
                accRow >= 0 ? sb.accReady(accRow, accRows, true, false) : 0);
        loadPortFree = start + occupancy;
        long finish = start + occupancy + tm.latency();
        sb.spDone(reads, writes, finish);
        if (accRow >= 0) {
            sb.accDone(accRow, accRows, true, false, finish);
        }
        current[3] += bytes;
        finish(LOAD, finish);
    }

    private void vector(long d, Activity activity, long cycles, Region[] reads, Region[] writes, int accRow, int accRows) {
        long start = max(d, notBefore, queueNotBefore[EXEC], execIssue, vectorFree, sb.spReady(reads, writes),
                accRow >= 0 ? sb.accReady(accRow, accRows, false, false) : 0);
        long finish = start + cycles;
        execIssue = start;
        vectorFree = finish;
        sb.spDone(reads, writes, finish);
        if (accRow >= 0) {
            sb.accDone(accRow, accRows, false, false, finish);
        }
        interval(start, finish, activity);
        finish(EXEC, finish);
    }

    private void preload(long d, int sp, int rows, int cols, int stride, int mode, int shifts) {
        Region[] r = {new Region(sp, rows, stride, cols), Region.bytes(shifts, mode == 1 ? cols : 0)};
        long start = max(d, notBefore, queueNotBefore[EXEC], execIssue, shadowFree, sb.spReady(r, new Region[0]));
        long finish = start + tm.preload();
        execIssue = start;
        lastPreloadDone = finish;
        preloadRows = rows;
        preloadCols = cols;
        sb.spDone(r, new Region[0], finish);
        interval(start, finish, Activity.PRELOAD);
        finish(EXEC, finish);
    }

    private void compute(long d, int sp, int stride, int acc, int m, int mode, int ashift, int ashstride, boolean isConv, int tap, int obase) {
        Region[] r = isConv
                ? new Region[]{band(sp, stride, preloadRows), mode == 1 ? band(ashift, ashstride, 1) : Region.bytes(0, 0)}
                : new Region[]{new Region(sp, m, stride, preloadRows), mode == 1 ? new Region(ashift, m, ashstride, 1) : Region.bytes(0, 0)};
        long start = max(d, notBefore, queueNotBefore[EXEC], execIssue, lastPreloadDone, arrayInputFree, sb.spReady(r, new Region[0]),
                sb.accReady(acc, m, true, true));
        long finish = start + tm.compute(m);
        execIssue = start;
        arrayInputFree = start + m;
        shadowFree = tm.doubleBuffered ? start : finish;
        sb.spDone(r, new Region[0], finish);
        sb.accDone(acc, m, true, true, finish);
        interval(start, start + m, mode == 1 ? Activity.INT4_MAC : Activity.INT8_MAC);
        interval(start + m, finish, Activity.FILL_DRAIN);
        long useful = isConv ? validRows(obase, m, tap) : m;
        current[mode == 1 ? 2 : 1] += useful * preloadRows * preloadCols;
        current[4] += (long) m * tm.rows * tm.cols;
        current[5]++;
        finish(EXEC, finish);
    }

    private void loopWs(long d, Instruction.LoopWs i) {
        int m4 = regs[i.mreg()];
        int fold4 = Math.min(i.g(), 2 * tm.rows);
        for (int t = i.tap0(); t < i.tap0() + i.taps(); t++) {
            int row0 = (t - i.tap0()) * i.k();
            for (int k0 = 0; k0 < m4; k0 += fold4) {
                int group = k0 / i.g();
                preload(d, i.w() + (row0 + k0) * i.wstride(), fold4, i.n(), i.wstride(), 1, i.wshift() + group * i.wshstride());
                compute(d, ws.a4() + k0, ws.a4stride(), i.acc(), i.m(), 1, ws.ashift() + group, ws.ashstride(), i.conv() == 1, t, i.obase());
            }
            for (int k0 = m4; k0 < i.k(); k0 += tm.rows) {
                preload(d, i.w() + (row0 + k0) * i.wstride(), Math.min(tm.rows, i.k() - k0), i.n(), i.wstride(), 0, 0);
                compute(d, ws.a() + k0, ws.astride(), i.acc(), i.m(), 0, 0, 0, i.conv() == 1, t, i.obase());
            }
        }
    }

    /** The scratchpad band of the configured window geometry: every input pixel a conv or pool row may read. */
    private Region band(long addr, long stride, long cols) {
        return new Region(addr, (long) conv.inh() * conv.inw(), stride, cols);
    }

    /** Rows of a conv fold whose tap lies inside the input (padding taps do no useful work). */
    private long validRows(int obase, int m, int tap) {
        Instruction.ConfigConv g = conv;
        long n = 0;
        int dy = (tap / g.kw()) * g.dil() - g.padh();
        int dx = (tap % g.kw()) * g.dil() - g.padw();
        for (int o = obase; o < obase + m; o++) {
            int iy = (o / g.outw()) * g.sh() + dy;
            int ix = (o % g.outw()) * g.sw() + dx;
            if (iy >= 0 && iy < g.fullh() && ix >= 0 && ix < g.inw()) {
                n++;
            }
        }
        return n;
    }

    private void interval(long start, long finish, Activity a) {
        if (finish > start) {
            intervals.add(new long[]{start, finish, a.ordinal()});
        }
    }

    private RunStats stats(String profile, long from) {
        int n = names.size();
        long[] windowEnd = new long[n];
        long e = from;
        for (int l = 0; l < n; l++) {
            e = Math.max(e, work.get(l)[0]);
            windowEnd[l] = e;
        }
        List<Map<Activity, Long>> breakdown = Breakdown.perWindow(intervals, from, windowEnd);
        List<LayerStats> layers = new ArrayList<>();
        long prev = from;
        for (int l = 0; l < n; l++) {
            long[] w = work.get(l);
            layers.add(new LayerStats(names.get(l), windowEnd[l] - prev, breakdown.get(l), w[1], w[2], w[3], w[4], w[5]));
            prev = windowEnd[l];
        }
        return new RunStats("fast", config, profile, prev - from, layers);
    }
}
