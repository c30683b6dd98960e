package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.simulator.Scoreboard.Region;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a program into {@link TimedOp}s in program order, as the dispatcher sees it: one dispatch cycle per
 * instruction, registers and window configuration read at dispatch, loop.ws expanded into its folds, and
 * each op's scratchpad/accumulator access, duration and work. One planner serves successive inferences.
 */
final class OpPlanner {
    private final TimingModel tm;
    private final int[] regs = new int[NpuProgram.REGISTERS];
    private Instruction.ConfigConv conv = new Instruction.ConfigConv(0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0);
    private Instruction.ConfigWs ws = new Instruction.ConfigWs(0, 0, 0, 0, 0, 0);
    private long dispatch;
    private int layer;
    private int preloadRows;
    private int preloadCols;
    /** Where planned ops go; {@code pending}, the op being planned, is handed on complete when the next begins or the plan ends. */
    private Consumer<TimedOp> sink;
    private TimedOp pending;
    /** Per layer, the {@link Event} counts of its ops (indexed by ordinal); {@code ev} is the current layer's. */
    private List<long[]> events;
    private long[] ev;
    /** The last {@link #validRows} asked: its geometry, rows and tap, and the answer. */
    private Instruction.ConfigConv validConv;
    private int validObase;
    private int validM;
    private int validTap;
    private long valid;

    OpPlanner(TimingModel tm, int extractionMode) {
        this.tm = tm;
        regs[NpuProgram.EXTRACTION_MODE_REGISTER] = extractionMode;
    }

    /** One inference: the profile's register writes (layer 0, "(register writes)"), then the code; {@code names} gets the layers. */
    List<TimedOp> plan(NpuProgram program, RegisterProfile profile, List<String> names) {
        List<TimedOp> ops = new ArrayList<>();
        plan(program, profile, names, ops::add);
        return ops;
    }

    /**
     * The same ops handed to {@code sink} one by one in program order, each complete, as they are planned: an engine that
     * times them at once keeps none (a small array's inference is millions of folds).
     */
    void plan(NpuProgram program, RegisterProfile profile, List<String> names, Consumer<TimedOp> sink) {
        this.sink = sink;
        pending = null;
        events = new ArrayList<>();
        newLayer();
        names.clear();
        names.add("(register writes)");
        layer = 0;
        for (Map.Entry<Integer, Integer> r : profile.values().entrySet()) {
            add(new Instruction.SetReg(r.getKey(), r.getValue()));
        }
        for (Instruction i : program.code()) {
            if (i instanceof Instruction.Halt) {
                break;
            }
            if (i instanceof Instruction.Layer l) {
                names.add(program.layers().get(l.id()));
                layer = names.size() - 1;
                newLayer();
            } else {
                add(i);
            }
        }
        if (pending != null) {
            sink.accept(pending);
            pending = null;
        }
    }

    /** The event counts of the last plan, per layer (the names' order). */
    List<long[]> events() {
        return events;
    }

    private void newLayer() {
        ev = new long[Event.values().length];
        events.add(ev);
    }

    private void count(Event e, long n) {
        ev[e.ordinal()] += n;
    }

    /** {@code rows} scratchpad rows of {@code bytes} each: a port is R bytes wide. */
    private void spRead(long rows, long bytes) {
        count(Event.SCRATCHPAD_READ, rows * ceil(bytes, tm.rows));
        count(Event.SCRATCHPAD_READ_BYTES, rows * bytes);
    }

    private void spWrite(long rows, long bytes) {
        count(Event.SCRATCHPAD_WRITE, rows * ceil(bytes, tm.rows));
        count(Event.SCRATCHPAD_WRITE_BYTES, rows * bytes);
    }

    /** {@code rows} accumulator rows of {@code cols} int32: a port is one row of C int32. */
    private void accRead(long rows, long cols) {
        count(Event.ACCUMULATOR_READ, rows * ceil(4 * cols, 4L * tm.cols));
        count(Event.ACCUMULATOR_READ_BYTES, rows * 4 * cols);
    }

    private void accWrite(long rows, long cols) {
        count(Event.ACCUMULATOR_WRITE, rows * ceil(4 * cols, 4L * tm.cols));
        count(Event.ACCUMULATOR_WRITE_BYTES, rows * 4 * cols);
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    private TimedOp op(TimedOp.Kind kind, long d) {
        if (pending != null) {
            sink.accept(pending);
        }
        pending = new TimedOp(kind, d, layer);
        return pending;
    }

    private void add(Instruction insn) {
        long d = dispatch++;
        // Java 17 has no pattern switch; Instruction is sealed, and the final throw names a kind left out.
        if (insn instanceof Instruction.SetReg i) {
            if (i.reg() != 0) {
                regs[i.reg()] = i.value();
            }
            count(Event.REGISTER_WRITE, 1);
        } else if (insn instanceof Instruction.ConfigConv i) {
            conv = i;
            count(Event.REGISTER_WRITE, 1);
        } else if (insn instanceof Instruction.ConfigWs i) {
            ws = i;
            count(Event.REGISTER_WRITE, 1);
        } else if (insn instanceof Instruction.Fence f) {
            op(TimedOp.Kind.FENCE, d).mask = f.mask();
        } else if (insn instanceof Instruction.SemPost s) {
            TimedOp o = op(TimedOp.Kind.SEM_POST, d);
            o.queue = checkQueue(s.queue());
            o.sem = s.sem();
        } else if (insn instanceof Instruction.SemWait s) {
            TimedOp o = op(TimedOp.Kind.SEM_WAIT, d);
            o.queue = checkQueue(s.queue());
            o.sem = s.sem();
        } else if (insn instanceof Instruction.Mvin i) {
            count(Event.DRAM_READ_BYTES, (long) i.rows() * i.cols());
            spWrite(i.rows(), i.cols());
            dma(TimedOp.Kind.LOAD, d, insn, TimedOp.NONE, new Region[]{new Region(i.sp(), i.rows(), i.spstride(), i.cols())},
                    tm.dmaOccupancy(i.rows(), i.cols(), i.dstride(), i.estride()), (long) i.rows() * i.cols());
        } else if (insn instanceof Instruction.MvinT i) {
            count(Event.DRAM_READ_BYTES, (long) i.rows() * i.cols());
            count(Event.TRANSPOSED_BYTES, (long) i.rows() * i.cols());
            spWrite(i.cols(), i.rows());
            dma(TimedOp.Kind.LOAD, d, insn, TimedOp.NONE, new Region[]{new Region(i.sp(), i.cols(), i.spstride(), i.rows())},
                    tm.transposedDmaOccupancy(i.rows(), i.cols(), i.dstride()), (long) i.rows() * i.cols());
        } else if (insn instanceof Instruction.MvinW4 i) {
            // DRAM moves the packed bytes; the scratchpad takes one byte per code
            long bytes = (long) i.rows() * i.rowBytes();
            count(Event.DRAM_READ_BYTES, bytes);
            spWrite(i.rows(), i.cols());
            dma(TimedOp.Kind.LOAD, d, insn, TimedOp.NONE, new Region[]{new Region(i.sp(), i.rows(), i.spstride(), i.cols())},
                    tm.dmaOccupancy(i.rows(), i.rowBytes(), i.dstride(), 1), bytes);
        } else if (insn instanceof Instruction.MvinAcc i) {
            count(Event.DRAM_READ_BYTES, 4L * i.cols() * (i.dstride() == 0 ? 1 : i.rows()));
            accWrite(i.rows(), i.cols());
            TimedOp o = dma(TimedOp.Kind.LOAD, d, insn, TimedOp.NONE, TimedOp.NONE, tm.dmaAccumulatorOccupancy(i.rows(), i.cols(), i.dstride() == 0),
                    4L * i.cols() * (i.dstride() == 0 ? 1 : i.rows()));
            o.accRow = i.acc();
            o.accRows = i.rows();
            o.accWrite = true;
        } else if (insn instanceof Instruction.MvinIdx i) {
            spRead(1, 4L * i.rows());
            count(Event.DRAM_READ_BYTES, (long) i.rows() * i.cols());
            spWrite(i.rows(), i.cols());
            dma(TimedOp.Kind.LOAD, d, insn, new Region[]{Region.bytes(i.ids(), 4L * i.rows())},
                    new Region[]{new Region(i.sp(), i.rows(), i.spstride(), i.cols())}, tm.dmaGatherOccupancy(i.rows(), i.cols()),
                    (long) i.rows() * i.cols());
        } else if (insn instanceof Instruction.Mvout i) {
            spRead(i.rows(), i.cols());
            count(Event.DRAM_WRITE_BYTES, (long) i.rows() * i.cols());
            dma(TimedOp.Kind.STORE, d, insn, new Region[]{new Region(i.sp(), i.rows(), i.spstride(), i.cols())}, TimedOp.NONE,
                    tm.dmaOccupancy(i.rows(), i.cols(), i.dstride(), i.estride()), (long) i.rows() * i.cols());
        } else if (insn instanceof Instruction.Preload i) {
            preload(d, i);
        } else if (insn instanceof Instruction.Compute i) {
            compute(d, i);
        } else if (insn instanceof Instruction.LoopWs i) {
            loopWs(d, i);
        } else if (insn instanceof Instruction.Extract i) {
            int channels = regs[i.mreg()];
            int mode = i.mode() == 2 ? regs[NpuProgram.EXTRACTION_MODE_REGISTER] : i.mode();
            int groups = i.g() == 0 ? 0 : channels / i.g();
            count(Event.EXTRACT, (long) i.rows() * channels * (mode == 1 ? 2 : 1));
            spRead(i.rows(), channels);
            spRead(1, mode == 0 ? groups : 0);
            spWrite(i.rows(), channels);
            spWrite(i.rows(), groups);
            vector(d, insn, Activity.EXTRACTION, tm.vector(i.rows(), channels) * (mode == 1 ? 2 : 1),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), channels), Region.bytes(i.table(), mode == 0 ? groups : 0)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), channels), new Region(i.shifts(), i.rows(), i.shstride(), groups)});
        } else if (insn instanceof Instruction.Requant i) {
            count(Event.REQUANT, (long) i.rows() * i.cols());
            accRead(i.rows(), i.cols());
            spRead(1, (i.cols() - 1L) * i.pstride() + 8);
            spWrite(i.rows(), i.cols());
            TimedOp o = vector(d, insn, Activity.VECTOR, tm.vector(i.rows(), i.cols()),
                    new Region[]{Region.bytes(i.params(), (i.cols() - 1L) * i.pstride() + 8)},
                    new Region[]{new Region(i.sp(), i.rows(), i.spstride(), i.cols())});
            o.accRow = i.acc();
            o.accRows = i.rows();
        } else if (insn instanceof Instruction.Lut i) {
            elementwise(i.rows(), i.cols(), 1, 1, 256);
            vector(d, insn, Activity.VECTOR, tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.table(), 256)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
        } else if (insn instanceof Instruction.Add i) {
            elementwise(i.rows(), i.cols(), 1, 2, 16);
            vector(d, insn, Activity.VECTOR, tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.a(), i.rows(), i.astride(), i.cols()), new Region(i.b(), i.rows(), i.bstride(), i.cols()),
                            Region.bytes(i.params(), 16)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
        } else if (insn instanceof Instruction.Mul i) {
            // each element a product requantized by a fixed-point multiply: priced as requant, not as an add
            elementwise(i.rows(), i.cols(), 0, 2, 8);
            count(Event.REQUANT, (long) i.rows() * i.cols());
            vector(d, insn, Activity.VECTOR, tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.a(), i.rows(), i.astride(), i.cols()), new Region(i.b(), i.rows(), i.bstride(), i.cols()),
                            Region.bytes(i.params(), 8)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
        } else if (insn instanceof Instruction.Gather i) {
            count(Event.REORDER, (long) i.rows() * i.cols());
            spRead(i.rows(), i.cols());
            spRead(1, 2L * i.cols());
            spWrite(i.rows(), i.cols());
            vector(d, insn, Activity.REORDER, tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.table(), 2L * i.cols())},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
        } else if (insn instanceof Instruction.Pool i) {
            elementwise(i.rows(), i.cols(), conv.kh() * conv.kw(), conv.kh() * conv.kw(), 8);
            vector(d, insn, Activity.VECTOR, tm.vector(i.rows(), i.cols()) * conv.kh() * conv.kw(),
                    new Region[]{band(i.src(), i.srcstride(), i.cols()), Region.bytes(i.params(), 8)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
        } else if (insn instanceof Instruction.DwConv i) {
            int taps = conv.kh() * conv.kw();
            spRead((long) i.rows() * taps, i.cols());
            spRead(1, (long) i.cols() * taps + 4L * i.cols() + 8L * i.cols());
            spWrite(i.rows(), i.cols());
            count(Event.REQUANT, (long) i.rows() * i.cols());
            TimedOp o = vector(d, insn, Activity.VECTOR, tm.vector(i.rows(), i.cols()) * taps,
                    new Region[]{band(i.src(), i.srcstride(), i.cols()), Region.bytes(i.weights(), (long) i.cols() * taps),
                            Region.bytes(i.bias(), 4L * i.cols()), Region.bytes(i.params(), 8L * i.cols())},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
            o.int8Macs = (long) i.rows() * i.cols() * taps;
        } else if (insn instanceof Instruction.Softmax i) {
            elementwise(i.rows(), i.cols(), 3, 1, 1024);
            vector(d, insn, Activity.VECTOR, 3 * tm.vector(i.rows(), i.cols()),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.table(), 1024)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
        } else if (insn instanceof Instruction.LayerNorm i) {
            elementwise(i.rows(), i.cols(), 3, 1, 8L * i.cols() + 8);
            vector(d, insn, Activity.VECTOR, 3 * tm.vector(i.rows(), i.cols()) + 32L * i.rows(),
                    new Region[]{new Region(i.src(), i.rows(), i.srcstride(), i.cols()), Region.bytes(i.params(), 8L * i.cols() + 8)},
                    new Region[]{new Region(i.dst(), i.rows(), i.dststride(), i.cols())});
        } else if (!(insn instanceof Instruction.Layer || insn instanceof Instruction.Halt)) {
            throw new IllegalStateException("no timing for " + insn.opcode());
        }
    }

    /**
     * A vector op's events: {@code ops} element operations per output element, {@code inputs} input rows read per
     * output row (add: two; pooling: its taps), and a table or parameter block read once.
     */
    private void elementwise(int rows, int cols, int ops, int inputs, long tableBytes) {
        count(Event.VECTOR_OP, (long) ops * rows * cols);
        spRead((long) rows * inputs, cols);
        spRead(1, tableBytes);
        spWrite(rows, cols);
    }

    private static int checkQueue(int q) {
        if (q > 2) {
            throw new NpuFault("semaphore queue " + q + " is not 0 (load), 1 (execute) or 2 (store)");
        }
        return q;
    }

    private TimedOp dma(TimedOp.Kind kind, long d, Instruction insn, Region[] reads, Region[] writes, long occupancy, long bytes) {
        TimedOp o = op(kind, d);
        o.insn = insn;
        o.reads = reads;
        o.writes = writes;
        o.occupancy = occupancy;
        o.latency = tm.latency();
        o.dmaBytes = bytes;
        return o;
    }

    private TimedOp vector(long d, Instruction insn, Activity activity, long cycles, Region[] reads, Region[] writes) {
        TimedOp o = op(TimedOp.Kind.VECTOR, d);
        o.insn = insn;
        o.geometry = conv; // pool and dwconv read the window geometry in force at dispatch
        o.activity = activity;
        o.occupancy = cycles;
        o.reads = reads;
        o.writes = writes;
        return o;
    }

    private void preload(long d, Instruction.Preload i) {
        if (i.mode() == 1 && !tm.int4Lanes) {
            throw new ConfigException(tm.machine + ": plain int8 PEs (peType int8) have no int4 lanes, but this ratio runs 4-bit folds; "
                    + "run it at ratio 0 or on dual-int4 PEs");
        }
        InstructionSemantics.requireInt4Codes(i.codes() == 1, i.mode());
        TimedOp o = op(TimedOp.Kind.PRELOAD, d);
        o.preload = i;
        o.int4 = i.mode() == 1;
        o.occupancy = tm.preload();
        o.reads = new Region[]{new Region(i.sp(), i.rows(), i.stride(), i.cols()), Region.bytes(i.shifts(), i.mode() == 1 ? i.cols() : 0)};
        spRead(i.rows(), i.cols());
        spRead(1, i.mode() == 1 ? i.cols() : 0);
        count(Event.WEIGHT_REGISTER_WRITE, (long) i.rows() * i.cols());
        preloadRows = i.rows();
        preloadCols = i.cols();
    }

    private void compute(long d, Instruction.Compute i) {
        TimedOp o = op(TimedOp.Kind.COMPUTE, d);
        boolean isConv = i.conv() == 1;
        boolean int4 = i.mode() == 1;
        o.compute = i;
        o.geometry = conv;
        o.int4 = int4;
        o.occupancy = i.rows();
        o.reads = isConv
                ? new Region[]{band(i.sp(), i.stride(), preloadRows), int4 ? band(i.ashift(), i.ashstride(), 1) : Region.bytes(0, 0)}
                : new Region[]{new Region(i.sp(), i.rows(), i.stride(), preloadRows), int4 ? new Region(i.ashift(), i.rows(), i.ashstride(), 1)
                        : Region.bytes(0, 0)};
        o.accRow = i.acc();
        o.accRows = i.rows();
        o.accWrite = true;
        // every streamed row reads its activations (and, int4, its group shift) and read-modify-writes its
        // accumulator row, padding taps included: the array does not know which taps are padding
        spRead(i.rows(), preloadRows);
        spRead(int4 ? i.rows() : 0, 1);
        accRead(i.rows(), preloadCols);
        accWrite(i.rows(), preloadCols);
        count(Event.ACCUMULATE_ADD, (long) i.rows() * preloadCols);
        count(Event.GROUP_SHIFT, int4 ? (long) i.rows() * preloadCols : 0);
        long useful = (isConv ? validRows(i.obase(), i.rows(), i.tap()) : i.rows()) * preloadRows * preloadCols;
        if (int4) {
            o.int4Macs = useful;
        } else {
            o.int8Macs = useful;
        }
        o.macSlots = (long) i.rows() * tm.rows * tm.cols;
        o.folds = 1;
    }

    private void loopWs(long d, Instruction.LoopWs i) {
        int m4 = regs[i.mreg()];
        if (m4 < i.wcodes()) {
            throw new NpuFault(InstructionSemantics.belowCodes(i, m4));
        }
        int fold4 = Math.min(i.g(), 2 * tm.rows);
        for (int t = i.tap0(); t < i.tap0() + i.taps(); t++) {
            int row0 = (t - i.tap0()) * i.k();
            for (int k0 = 0; k0 < m4; k0 += fold4) {
                int group = k0 / i.g();
                preload(d, new Instruction.Preload(i.w() + (row0 + k0) * i.wstride(), fold4, i.n(), i.wstride(), 1, i.wshift() + group * i.wshstride(),
                        k0 < i.wcodes() ? 1 : 0));
                compute(d, new Instruction.Compute(ws.a4() + k0, i.acc(), i.m(), ws.a4stride(), 1, 1, ws.ashift() + group, ws.ashstride(), i.conv(),
                        t, i.obase()));
            }
            for (int k0 = m4; k0 < i.k(); k0 += tm.rows) {
                preload(d, new Instruction.Preload(i.w() + (row0 + k0) * i.wstride(), Math.min(tm.rows, i.k() - k0), i.n(), i.wstride(), 0, 0));
                compute(d, new Instruction.Compute(ws.a() + k0, i.acc(), i.m(), ws.astride(), 1, 0, 0, 0, i.conv(), t, i.obase()));
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
        // a loop's folds over the input channels share their tap and rows: count once per run of them
        if (g != validConv || obase != validObase || m != validM || tap != validTap) {
            validConv = g;
            validObase = obase;
            validM = m;
            validTap = tap;
            valid = validRows(g, obase, m, tap);
        }
        return valid;
    }

    /**
     * Output pixels obase .. obase + m - 1 (row-major over the output's width) whose input pixel under the tap
     * lies inside the input. In each output row the valid columns are one interval, the same in every row, so the
     * count is closed-form: the first and last (partial) rows, plus the valid full rows between them times that
     * interval, however many output rows a fold spans.
     */
    static long validRows(Instruction.ConfigConv g, int obase, int m, int tap) {
        if (m <= 0) {
            return 0;
        }
        if (g.outh() > 0) {
            // a band of whole images: each image's part of the rows counts as its own window
            int perImage = g.outh() * g.outw();
            long valid = 0;
            for (int o = obase; o < obase + m; ) {
                int within = o % perImage;
                int n = Math.min(obase + m - o, perImage - within);
                valid += validRowsOfOneImage(g, within, n, tap);
                o += n;
            }
            return valid;
        }
        return validRowsOfOneImage(g, obase, m, tap);
    }

    /** {@link #validRows} within one image (outh ignored): output pixels obase .. obase + m - 1 of it. */
    private static long validRowsOfOneImage(Instruction.ConfigConv g, int obase, int m, int tap) {
        int dy = (tap / g.kw()) * g.dil() - g.padh();
        int dx = (tap % g.kw()) * g.dil() - g.padw();
        // columns x with 0 <= x * sw + dx < inw, and rows y with 0 <= y * sh + dy < fullh, as [from, to)
        int xFrom = g.sw() == 0 ? (dx >= 0 && dx < g.inw() ? 0 : Integer.MAX_VALUE) : -Math.floorDiv(dx, g.sw());
        int xTo = g.sw() == 0 ? Integer.MAX_VALUE : Math.floorDiv(g.inw() - 1 - dx, g.sw()) + 1;
        int yFrom = g.sh() == 0 ? (dy >= 0 && dy < g.fullh() ? 0 : Integer.MAX_VALUE) : -Math.floorDiv(dy, g.sh());
        int yTo = g.sh() == 0 ? Integer.MAX_VALUE : Math.floorDiv(g.fullh() - 1 - dy, g.sh()) + 1;
        int outw = g.outw();
        int end = obase + m;
        int y0 = obase / outw;
        int y1 = (end - 1) / outw;
        int x0 = obase - y0 * outw;
        int x1 = end - y1 * outw;
        if (y0 == y1) {
            return overlap(y0, y0 + 1, yFrom, yTo) * overlap(x0, x1, xFrom, xTo);
        }
        return overlap(y0, y0 + 1, yFrom, yTo) * overlap(x0, outw, xFrom, xTo)
                + overlap(y0 + 1, y1, yFrom, yTo) * overlap(0, outw, xFrom, xTo)
                + overlap(y1, y1 + 1, yFrom, yTo) * overlap(0, x1, xFrom, xTo);
    }

    /** The length of [a, b) within [from, to). */
    private static long overlap(int a, int b, int from, int to) {
        return Math.max(0, (long) Math.min(b, to) - Math.max(a, from));
    }
}
