package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.isa.arith.IntArithmetic;

/**
 * What each instruction does to the machine state, as isa/README.md specifies it. loop.ws runs as the
 * sequence of preloads and computes it stands for, through the same methods.
 */
final class InstructionSemantics {
    /** FourBit.lower(code, shift) for every int8 code (index code + 128) and weight shift 0..7. */
    private static final int[][] LOWERED = new int[8][256];

    /**
     * The most terms (rows or columns x taps x K) a loop.ws gathers to run as one product; a larger loop runs fold by fold
     * (64 MiB of ints at most per operand).
     */
    static final int LOOP_TERMS = 1 << 24;

    static {
        for (int shift = 0; shift < 8; shift++) {
            for (int code = -128; code < 128; code++) {
                LOWERED[shift][code + 128] = FourBit.lower(code, shift);
            }
        }
    }

    private final MachineState m;
    private final ExecutionCounts counts = new ExecutionCounts();
    private final int rows;
    private final int cols;
    // array: shadow weights as loaded (already lowered in int4 mode), and their column shifts
    private final int[] weights;
    private final int[] weightShift;
    private final int[] activationRow;
    // loop.ws as one product: every fold's activations as rows of terms (pre-shifted), every fold's weights as columns of
    // terms (pre-shifted); grown to the largest loop, so a run allocates them a few times at most
    private int[] loopTerms = new int[0];
    private int[] loopWeights = new int[0];
    private final int[] fourSums = new int[4];
    private final int loopTermsLimit;
    private int wRows;
    private int wCols;
    private int wMode = -1;
    private Instruction.ConfigConv conv = new Instruction.ConfigConv(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0);
    private Instruction.ConfigWs ws = new Instruction.ConfigWs(0, 0, 0, 0, 0, 0);

    InstructionSemantics(MachineState m) {
        this(m, LOOP_TERMS);
    }

    /** With loops of more than {@code loopTerms} terms per operand run fold by fold (a test takes both ways with 0). */
    InstructionSemantics(MachineState m, int loopTerms) {
        this.m = m;
        this.loopTermsLimit = loopTerms;
        this.rows = m.target.rows();
        this.cols = m.target.cols();
        this.weights = new int[2 * rows * cols];
        this.weightShift = new int[cols];
        this.activationRow = new int[2 * rows];
    }

    ExecutionCounts counts() {
        return counts;
    }

    void execute(Instruction insn) {
        counts.count(insn.opcode());
        // Java 17 has no pattern switch; Instruction is sealed, and the final throw names a kind left out.
        if (insn instanceof Instruction.Mvin i) {
            MachineState.range("mvin DRAM source", m.dram.length, i.dram(), i.rows(), i.dstride(), i.cols(), i.estride());
            m.spRange("mvin destination", i.sp(), i.rows(), i.spstride(), i.cols());
            for (int r = 0; r < i.rows(); r++) {
                if (i.estride() == 1) {
                    System.arraycopy(m.dram, (int) (i.dram() + (long) r * i.dstride()), m.sp, i.sp() + r * i.spstride(), i.cols());
                    continue;
                }
                for (int c = 0; c < i.cols(); c++) {
                    m.sp[i.sp() + r * i.spstride() + c] = m.dram[(int) (i.dram() + (long) r * i.dstride() + (long) c * i.estride())];
                }
            }
            counts.dmaBytes += (long) i.rows() * i.cols();
        } else if (insn instanceof Instruction.MvinT i) {
            MachineState.range("mvin.t DRAM source", m.dram.length, i.dram(), i.rows(), i.dstride(), i.cols(), 1);
            m.spRange("mvin.t destination", i.sp(), i.cols(), i.spstride(), i.rows());
            for (int r = 0; r < i.rows(); r++) {
                int from = (int) (i.dram() + (long) r * i.dstride());
                for (int c = 0; c < i.cols(); c++) {
                    m.sp[i.sp() + c * i.spstride() + r] = m.dram[from + c];
                }
            }
            counts.dmaBytes += (long) i.rows() * i.cols();
        } else if (insn instanceof Instruction.MvinW4 i) {
            MachineState.range("mvin.w4 DRAM source", m.dram.length, i.dram(), i.rows(), i.dstride(), i.rowBytes(), 1);
            m.spRange("mvin.w4 destination", i.sp(), i.rows(), i.spstride(), i.cols());
            for (int r = 0; r < i.rows(); r++) {
                int from = (int) (i.dram() + (long) r * i.dstride());
                int to = i.sp() + r * i.spstride();
                for (int c = 0; c < i.cols(); c++) {
                    int b = m.dram[from + c / 2];
                    // the code's nibble at the top of the byte, then an arithmetic shift back: sign-extended
                    m.sp[to + c] = (byte) ((c % 2 == 0 ? b << 28 : b << 24) >> 28);
                }
            }
            counts.dmaBytes += (long) i.rows() * i.rowBytes();
        } else if (insn instanceof Instruction.MvinAcc i) {
            MachineState.range("mvin.acc DRAM source", m.dram.length, i.dram(), i.rows(), i.dstride(), 4 * i.cols(), 1);
            m.accRange("mvin.acc destination", i.acc(), i.rows(), i.cols());
            for (int r = 0; r < i.rows(); r++) {
                for (int c = 0; c < i.cols(); c++) {
                    m.acc[(i.acc() + r) * cols + c] = m.dramInt(i.dram() + (long) r * i.dstride() + 4L * c);
                }
            }
            counts.dmaBytes += 4L * i.cols() * (i.dstride() == 0 ? 1 : i.rows());
        } else if (insn instanceof Instruction.MvinIdx i) {
            m.spRange("mvin.idx ids", i.ids(), 1, 0, 4 * i.rows());
            m.spRange("mvin.idx destination", i.sp(), i.rows(), i.spstride(), i.cols());
            for (int r = 0; r < i.rows(); r++) {
                int id = m.spInt(i.ids() + 4 * r);
                if (id < 0 || id >= i.limit()) {
                    throw new NpuFault("id " + id + " of row " + r + " is not in [0, " + i.limit() + ")");
                }
                long src = i.dram() + (long) id * i.dstride();
                MachineState.range("mvin.idx table row", m.dram.length, src, 1, 0, i.cols(), 1);
                System.arraycopy(m.dram, (int) src, m.sp, i.sp() + r * i.spstride(), i.cols());
            }
            counts.dmaBytes += (long) i.rows() * i.cols();
        } else if (insn instanceof Instruction.Mvout i) {
            m.spRange("mvout source", i.sp(), i.rows(), i.spstride(), i.cols());
            MachineState.range("mvout DRAM destination", m.dram.length, i.dram(), i.rows(), i.dstride(), i.cols(), i.estride());
            for (int r = 0; r < i.rows(); r++) {
                if (i.estride() == 1) {
                    System.arraycopy(m.sp, i.sp() + r * i.spstride(), m.dram, (int) (i.dram() + (long) r * i.dstride()), i.cols());
                    continue;
                }
                for (int c = 0; c < i.cols(); c++) {
                    m.dram[(int) (i.dram() + (long) r * i.dstride() + (long) c * i.estride())] = m.sp[i.sp() + r * i.spstride() + c];
                }
            }
            counts.dmaBytes += (long) i.rows() * i.cols();
        } else if (insn instanceof Instruction.Preload i) {
            preload(i.sp(), i.rows(), i.cols(), i.stride(), i.mode(), i.shifts(), i.codes() == 1);
        } else if (insn instanceof Instruction.Compute i) {
            compute(i.sp(), i.stride(), i.acc(), i.rows(), i.accumulate() == 1, i.mode(), i.ashift(), i.ashstride(), i.conv() == 1, i.tap(), i.obase());
        } else if (insn instanceof Instruction.ConfigConv i) {
            if (i.kh() < 1 || i.kw() < 1 || i.sh() < 1 || i.sw() < 1 || i.dil() < 1 || i.outw() < 1 || i.inw() < 1) {
                throw new NpuFault("window, strides, dilation and widths must be positive: " + i);
            }
            conv = i;
        } else if (insn instanceof Instruction.ConfigWs i) {
            ws = i;
        } else if (insn instanceof Instruction.LoopWs i) {
            loopWs(i);
        } else if (insn instanceof Instruction.Extract i) {
            extract(i);
        } else if (insn instanceof Instruction.Requant i) {
            m.accRange("requant source", i.acc(), i.rows(), i.cols());
            m.spRange("requant destination", i.sp(), i.rows(), i.spstride(), i.cols());
            m.spRange("requant params", i.params(), 1, 0, (i.cols() - 1) * i.pstride() + 8);
            for (int c = 0; c < i.cols(); c++) {
                FixedPoint fp = fixedPoint(i.params() + c * i.pstride());
                for (int r = 0; r < i.rows(); r++) {
                    int v = IntArithmetic.saturateInt8(fp.apply(m.acc[(i.acc() + r) * cols + c]));
                    m.sp[i.sp() + r * i.spstride() + c] = (byte) IntArithmetic.saturate(v, i.min(), i.max());
                }
            }
        } else if (insn instanceof Instruction.Lut i) {
            m.spRange("lut source", i.src(), i.rows(), i.srcstride(), i.cols());
            m.spRange("lut destination", i.dst(), i.rows(), i.dststride(), i.cols());
            m.spRange("lut table", i.table(), 1, 0, 256);
            for (int r = 0; r < i.rows(); r++) {
                for (int c = 0; c < i.cols(); c++) {
                    m.sp[i.dst() + r * i.dststride() + c] = m.sp[i.table() + m.sp[i.src() + r * i.srcstride() + c] + 128];
                }
            }
        } else if (insn instanceof Instruction.Add i) {
            m.spRange("add a", i.a(), i.rows(), i.astride(), i.cols());
            m.spRange("add b", i.b(), i.rows(), i.bstride(), i.cols());
            m.spRange("add destination", i.dst(), i.rows(), i.dststride(), i.cols());
            m.spRange("add params", i.params(), 1, 0, 16);
            FixedPoint ma = fixedPoint(i.params());
            FixedPoint mb = fixedPoint(i.params() + 8);
            for (int r = 0; r < i.rows(); r++) {
                for (int c = 0; c < i.cols(); c++) {
                    long a = m.sp[i.a() + r * i.astride() + c];
                    long b = m.sp[i.b() + r * i.bstride() + c];
                    long sum = ma.apply(a << 16) + mb.apply(b << 16);
                    m.sp[i.dst() + r * i.dststride() + c] = IntArithmetic.saturateInt8(IntArithmetic.roundShift(sum, 16));
                }
            }
        } else if (insn instanceof Instruction.Mul i) {
            m.spRange("mul a", i.a(), i.rows(), i.astride(), i.cols());
            m.spRange("mul b", i.b(), i.rows(), i.bstride(), i.cols());
            m.spRange("mul destination", i.dst(), i.rows(), i.dststride(), i.cols());
            m.spRange("mul params", i.params(), 1, 0, 8);
            FixedPoint mul = fixedPoint(i.params());
            for (int r = 0; r < i.rows(); r++) {
                for (int c = 0; c < i.cols(); c++) {
                    long a = m.sp[i.a() + r * i.astride() + c];
                    long b = m.sp[i.b() + r * i.bstride() + c];
                    m.sp[i.dst() + r * i.dststride() + c] = IntArithmetic.saturateInt8(mul.apply(a * b));
                }
            }
        } else if (insn instanceof Instruction.Gather i) {
            m.spRange("gather source", i.src(), i.rows(), i.srcstride(), i.cols());
            m.spRange("gather destination", i.dst(), i.rows(), i.dststride(), i.cols());
            m.spRange("gather table", i.table(), 1, 0, 2 * i.cols());
            int[] from = new int[i.cols()];
            for (int c = 0; c < from.length; c++) {
                from[c] = (m.sp[i.table() + 2 * c] & 0xff) | (m.sp[i.table() + 2 * c + 1] & 0xff) << 8;
                if (from[c] >= i.cols()) {
                    throw new NpuFault("table entry " + c + " = " + from[c] + " is not a channel below " + i.cols());
                }
            }
            byte[] row = new byte[i.cols()];
            for (int r = 0; r < i.rows(); r++) {
                for (int c = 0; c < row.length; c++) {
                    row[c] = m.sp[i.src() + r * i.srcstride() + from[c]];
                }
                System.arraycopy(row, 0, m.sp, i.dst() + r * i.dststride(), row.length);
            }
            counts.reorderBytes += (long) i.rows() * i.cols();
        } else if (insn instanceof Instruction.Pool i) {
            pool(i);
        } else if (insn instanceof Instruction.DwConv i) {
            dwconv(i);
        } else if (insn instanceof Instruction.Softmax i) {
            softmax(i);
        } else if (insn instanceof Instruction.LayerNorm i) {
            layerNorm(i);
        } else if (insn instanceof Instruction.SetReg i) {
            m.setRegister(i.reg(), i.value());
        } else if (insn instanceof Instruction.Fence || insn instanceof Instruction.SemPost || insn instanceof Instruction.SemWait
                || insn instanceof Instruction.Layer || insn instanceof Instruction.Halt) {
            return; // ordering and markers: nothing to compute in program order
        } else {
            throw new IllegalStateException("no semantics for " + insn.opcode());
        }
    }

    private FixedPoint fixedPoint(int addr) {
        int mult = m.spInt(addr);
        int shift = m.spInt(addr + 4);
        try {
            return new FixedPoint(mult, shift);
        } catch (IllegalArgumentException e) {
            throw new NpuFault("multiplier at scratchpad " + addr + ": " + e.getMessage());
        }
    }

    private void preload(int sp, int k, int n, int stride, int mode, int shifts, boolean codes) {
        requireInt4Codes(codes, mode);
        int maxK = 2 * rows;
        int modeK = mode == 1 ? maxK : rows;
        if (k > modeK || n > cols) {
            throw new NpuFault("preload " + (mode == 1 ? "int4" : "int8") + " tile " + k + "x" + n + " exceeds the array's " + modeK + "x" + cols);
        }
        m.spRange("preload weights", sp, k, stride, n);
        if (mode == 1) {
            m.spRange("preload shifts", shifts, 1, 0, n);
        }
        for (int c = 0; c < n; c++) {
            weightShift[c] = mode == 1 ? m.sp[shifts + c] : 0;
            if (weightShift[c] < 0 || weightShift[c] > 7) {
                throw new NpuFault("weight shift " + weightShift[c] + " of column " + c + " is not in [0, 7]");
            }
        }
        // column-major: dot products run contiguous; a column's 4-bit codes come from its shift's table, or are the bytes
        // themselves where mvin.w4 unpacked them
        for (int c = 0; c < n; c++) {
            int[] lower = mode == 1 && !codes ? LOWERED[weightShift[c]] : null;
            int to = c * maxK;
            int from = sp + c;
            for (int r = 0; r < k; r++) {
                int w = m.sp[from + r * stride];
                weights[to + r] = lower != null ? lower[w + 128] : codes ? weightCode(w, from + r * stride) : w;
            }
        }
        wRows = k;
        wCols = n;
        wMode = mode;
    }

    private void compute(int sp, int stride, int acc, int mRows, boolean accumulate, int mode, int ashift, int ashstride, boolean isConv,
                         int tap, int obase) {
        if (mode != wMode) {
            throw new NpuFault("compute in " + (mode == 1 ? "int4" : "int8") + " mode after a preload in the other mode");
        }
        m.accRange("compute destination", acc, mRows, wCols);
        int useful = 0;
        int maxK = 2 * rows;
        int[] x = activationRow;
        for (int r = 0; r < mRows; r++) {
            int row = isConv ? convPixel(obase + r, tap) : r;
            int base = acc * cols + r * cols;
            if (row < 0) {
                if (!accumulate) {
                    java.util.Arrays.fill(m.acc, base, base + wCols, 0);
                }
                continue; // a padding row: zeros in, nothing added
            }
            int a = sp + row * stride;
            m.spRange("compute activations", a, 1, 0, wRows);
            int aShift = mode == 1 ? activationShift(ashift + row * ashstride, r) : 0;
            if (mode == 1) {
                for (int k = 0; k < wRows; k++) {
                    x[k] = int4Activation(m.sp[a + k]);
                }
            } else {
                for (int k = 0; k < wRows; k++) {
                    x[k] = m.sp[a + k];
                }
            }
            int c = 0;
            for (; c + 3 < wCols; c += 4) {
                fourDots(x, 0, weights, c * maxK, maxK, wRows, fourSums);
                for (int j = 0; j < 4; j++) {
                    accumulate(base, c + j, fourSums[j], mode, aShift, accumulate);
                }
            }
            for (; c < wCols; c++) {
                accumulate(base, c, dot(x, 0, weights, c * maxK, wRows), mode, aShift, accumulate);
            }
            useful++;
        }
        countFold(mode == 1, useful, wRows, wCols);
    }

    /** A fold of k x n weights that streamed {@code useful} rows not on padding. */
    private void countFold(boolean int4, int useful, int k, int n) {
        if (int4) {
            counts.int4Folds++;
            counts.int4Macs += (long) useful * k * n;
        } else {
            counts.int8Folds++;
            counts.int8Macs += (long) useful * k * n;
        }
    }

    /** Column c's sum of a streamed row into its accumulator (shifted by the row's and column's shifts in int4 mode). */
    private void accumulate(int base, int c, int sum, int mode, int aShift, boolean accumulate) {
        int v = mode == 1 ? sum << (aShift + weightShift[c]) : sum;
        m.acc[base + c] = accumulate ? m.acc[base + c] + v : v;
    }

    /** Band row of the input pixel that output pixel {@code o} reads at {@code tap}; -1 where the window is on padding. */
    private int convPixel(int o, int tap) {
        return convPixel(conv, o, tap);
    }

    /**
     * Band row (pixel index) that output pixel {@code o} reads at {@code tap} under geometry g; -1 on padding. A band of whole
     * images (outh > 0) holds image i's rows from band row i * fullh.
     */
    static int convPixel(Instruction.ConfigConv g, int o, int tap) {
        int image = 0;
        if (g.outh() > 0) {
            int perImage = g.outh() * g.outw();
            image = o / perImage;
            o -= image * perImage;
        }
        int oy = o / g.outw();
        int ox = o % g.outw();
        int iy = oy * g.sh() - g.padh() + (tap / g.kw()) * g.dil();
        int ix = ox * g.sw() - g.padw() + (tap % g.kw()) * g.dil();
        if (iy < 0 || iy >= g.fullh() || ix < 0 || ix >= g.inw()) {
            return -1;
        }
        int band = image * g.fullh() + iy - g.iy0();
        if (band < 0 || band >= g.inh()) {
            throw new NpuFault("input row " + iy + " is not in the scratchpad band [" + g.iy0() + ", " + (g.iy0() + g.inh()) + ")");
        }
        return band * g.inw() + ix;
    }

    private void loopWs(Instruction.LoopWs i) {
        int m4 = m.register(i.mreg());
        if (m4 < 0 || m4 > i.k() || i.g() < 2 || m4 % i.g() != 0) {
            throw new NpuFault("MAX_4BIT_CH r" + i.mreg() + " = " + m4 + " is not a multiple of G = " + i.g() + " in [0, " + i.k() + "]");
        }
        if (m4 < i.wcodes()) {
            throw new NpuFault(belowCodes(i, m4));
        }
        int fold4 = Math.min(i.g(), 2 * rows);
        if (m4 > 0 && i.g() % fold4 != 0) {
            throw new NpuFault("G = " + i.g() + " does not divide into the array's " + 2 * rows + " int4 lanes");
        }
        if ((long) Math.max(i.m(), i.n()) * i.taps() * i.k() <= loopTermsLimit) {
            loopWsAsOneProduct(i, m4, fold4);
            return;
        }
        Instruction.ConfigWs a = ws;
        for (int t = i.tap0(); t < i.tap0() + i.taps(); t++) {
            int row0 = (t - i.tap0()) * i.k();
            for (int k0 = 0; k0 < m4; k0 += fold4) {
                int group = k0 / i.g();
                preload(i.w() + (row0 + k0) * i.wstride(), fold4, i.n(), i.wstride(), 1, i.wshift() + group * i.wshstride(), k0 < i.wcodes());
                compute(a.a4() + k0, a.a4stride(), i.acc(), i.m(), true, 1, a.ashift() + group, a.ashstride(), i.conv() == 1, t, i.obase());
            }
            for (int k0 = m4; k0 < i.k(); k0 += rows) {
                int kt = Math.min(rows, i.k() - k0);
                preload(i.w() + (row0 + k0) * i.wstride(), kt, i.n(), i.wstride(), 0, 0, false);
                compute(a.a() + k0, a.astride(), i.acc(), i.m(), true, 0, 0, 0, i.conv() == 1, t, i.obase());
            }
        }
    }

    /**
     * loop.ws as the one product its folds add up to: each fold preloads as {@link #loopWs} does (the same checks, in the
     * same order, and the array holds the last fold's weights after), and its streamed rows are checked and gathered as
     * {@link #compute} reads them; then every accumulator gets its sum over all taps and folds at once. Each int4 term
     * is taken pre-shifted (activation code << row shift, weight << column shift): in int arithmetic, which wraps modulo
     * 2^32, (x << a)(w << b) summed is the fold's sum << (a + b), so the accumulators get {@link #compute}'s bits. One
     * long dot product per accumulator, not one of 2R terms per fold each added into it, is what makes it pay (and C2 of
     * JDK 25 vectorizes the long ones).
     */
    private void loopWsAsOneProduct(Instruction.LoopWs i, int m4, int fold4) {
        int mRows = i.m();
        int n = i.n();
        int terms = i.taps() * i.k();
        if (loopTerms.length < mRows * terms) {
            loopTerms = new int[Math.max(mRows * terms, Math.min(loopTermsLimit, 2 * loopTerms.length))];
        }
        if (loopWeights.length < n * terms) {
            loopWeights = new int[Math.max(n * terms, 2 * loopWeights.length)];
        }
        int[] x = loopTerms;
        java.util.Arrays.fill(x, 0, mRows * terms, 0); // padding rows stream zeros
        Instruction.ConfigWs a = ws;
        for (int t = i.tap0(); t < i.tap0() + i.taps(); t++) {
            int row0 = (t - i.tap0()) * i.k();
            for (int k0 = 0; k0 < i.k(); ) {
                boolean int4 = k0 < m4;
                int kt = int4 ? fold4 : Math.min(rows, i.k() - k0);
                int group = k0 / i.g();
                if (int4) {
                    preload(i.w() + (row0 + k0) * i.wstride(), fold4, n, i.wstride(), 1, i.wshift() + group * i.wshstride(), k0 < i.wcodes());
                } else {
                    preload(i.w() + (row0 + k0) * i.wstride(), kt, n, i.wstride(), 0, 0, false);
                }
                for (int c = 0; c < n; c++) {
                    int from = c * 2 * rows;
                    int to = c * terms + row0 + k0;
                    int shift = weightShift[c];
                    for (int r = 0; r < kt; r++) {
                        loopWeights[to + r] = weights[from + r] << shift;
                    }
                }
                m.accRange("compute destination", i.acc(), mRows, n);
                int useful = 0;
                int sp = int4 ? a.a4() + k0 : a.a() + k0;
                int stride = int4 ? a.a4stride() : a.astride();
                for (int r = 0; r < mRows; r++) {
                    int row = i.conv() == 1 ? convPixel(i.obase() + r, t) : r;
                    if (row < 0) {
                        continue;
                    }
                    int from = sp + row * stride;
                    m.spRange("compute activations", from, 1, 0, kt);
                    int to = r * terms + row0 + k0;
                    if (int4) {
                        int aShift = activationShift(a.ashift() + group + row * a.ashstride(), r);
                        for (int k = 0; k < kt; k++) {
                            x[to + k] = int4Activation(m.sp[from + k]) << aShift;
                        }
                    } else {
                        for (int k = 0; k < kt; k++) {
                            x[to + k] = m.sp[from + k];
                        }
                    }
                    useful++;
                }
                countFold(int4, useful, kt, n);
                k0 += kt;
            }
        }
        addProducts(x, loopWeights, terms, mRows, n, i.acc() * cols);
    }

    /** acc[base + r x cols + c] += the dot product of x's row r and w's column c (both rows of {@code terms} ints). */
    private void addProducts(int[] x, int[] w, int terms, int mRows, int n, int base) {
        for (int r = 0; r < mRows; r++) {
            int xo = r * terms;
            int at = base + r * cols;
            int c = 0;
            for (; c + 3 < n; c += 4) {
                fourDots(x, xo, w, c * terms, terms, terms, fourSums);
                for (int j = 0; j < 4; j++) {
                    m.acc[at + c + j] += fourSums[j];
                }
            }
            for (; c < n; c++) {
                m.acc[at + c] += dot(x, xo, w, c * terms, terms);
            }
        }
    }

    /**
     * sums[j] = the dot product of x[xo ..] with w[w0 + j x stride ..], k terms, for j = 0..3: each activation is loaded once
     * for four weights, and the four sums are independent (int addition wraps the same in any order, so they are exact).
     */
    private static void fourDots(int[] x, int xo, int[] w, int w0, int stride, int k, int[] sums) {
        int w1 = w0 + stride;
        int w2 = w1 + stride;
        int w3 = w2 + stride;
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        for (int i = 0; i < k; i++) {
            int v = x[xo + i];
            s0 += v * w[w0 + i];
            s1 += v * w[w1 + i];
            s2 += v * w[w2 + i];
            s3 += v * w[w3 + i];
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    private static int dot(int[] x, int xo, int[] w, int w0, int k) {
        int s = 0;
        for (int i = 0; i < k; i++) {
            s += x[xo + i] * w[w0 + i];
        }
        return s;
    }

    /**
     * What the array takes of an activation byte in int4 mode: its low 5 bits, sign-extended, a signed 4-bit code [-8, 7]
     * or an unsigned one [0, 15] (the PE's 4-bit activation port has a sign-mode bit, as mma's .s4 / .u4).
     */
    private static int int4Activation(byte b) {
        return (b << 27) >> 27;
    }

    /** The int4 activation shift of streamed row r, at scratchpad address sa, checked. */
    private int activationShift(int sa, int r) {
        m.spRange("compute activation shift", sa, 1, 0, 1);
        int aShift = m.sp[sa];
        if (aShift < 0 || aShift > 7) {
            throw new NpuFault("activation shift " + aShift + " of row " + r + " is not in [0, 7]");
        }
        return aShift;
    }

    /** A preload with codes=1 must be an int4 one: 4-bit weight codes feed int4 folds only. */
    static void requireInt4Codes(boolean codes, int mode) {
        if (codes && mode != 1) {
            throw new NpuFault("preload codes=1 in int8 mode: 4-bit weight codes feed int4 folds only");
        }
    }

    /** A byte a preload with codes=1 takes as a 4-bit weight code, checked to be one. */
    static int weightCode(int v, int address) {
        if (v < -8 || v > 7) {
            throw new NpuFault("preload codes=1: byte " + v + " at scratchpad " + address + " is no 4-bit code");
        }
        return v;
    }

    /** Why a loop cannot run below its weight codes: a ratio under the floor the program was compiled for. */
    static String belowCodes(Instruction.LoopWs i, int m4) {
        return "MAX_4BIT_CH r" + i.mreg() + " = " + m4 + " is below the " + i.wcodes() + " channels whose weights this program stores as "
                + "4-bit codes: a ratio under the program's --min-ratio";
    }

    private void extract(Instruction.Extract i) {
        int channels = m.register(i.mreg());
        if (channels == 0) {
            return;
        }
        if (channels < 0 || i.g() < 1 || channels % i.g() != 0) {
            throw new NpuFault("r" + i.mreg() + " = " + channels + " channels is not a multiple of G = " + i.g());
        }
        int mode = i.mode() == 2 ? m.register(NpuProgram.EXTRACTION_MODE_REGISTER) : i.mode();
        if (mode != 0 && mode != 1) {
            throw new NpuFault("mode " + mode + " is neither static (0) nor dynamic (1)");
        }
        int groups = channels / i.g();
        m.spRange("extract source", i.src(), i.rows(), i.srcstride(), channels);
        m.spRange("extract destination", i.dst(), i.rows(), i.dststride(), channels);
        m.spRange("extract shifts", i.shifts(), i.rows(), i.shstride(), groups);
        if (mode == 0) {
            m.spRange("extract table", i.table(), 1, 0, groups);
        }
        FourBit.Codes codes = i.unsigned() == 1 ? FourBit.Codes.UNSIGNED : FourBit.Codes.SIGNED;
        for (int r = 0; r < i.rows(); r++) {
            int src = i.src() + r * i.srcstride();
            int dst = i.dst() + r * i.dststride();
            for (int g = 0; g < groups; g++) {
                int p;
                if (mode == 0) {
                    p = m.sp[i.table() + g];
                } else {
                    int or = 0;
                    for (int c = g * i.g(); c < (g + 1) * i.g(); c++) {
                        or |= Math.abs(m.sp[src + c]);
                    }
                    p = codes.effectiveShift(or);
                }
                for (int c = g * i.g(); c < (g + 1) * i.g(); c++) {
                    m.sp[dst + c] = (byte) codes.lower(m.sp[src + c], p);
                }
                m.sp[i.shifts() + r * i.shstride() + g] = (byte) p;
            }
        }
    }

    private void pool(Instruction.Pool i) {
        Instruction.ConfigConv g = conv;
        m.spRange("pool destination", i.dst(), i.rows(), i.dststride(), i.cols());
        FixedPoint avg = i.avg() == 1 ? fixedPoint(i.params()) : null;
        int taps = g.kh() * g.kw();
        for (int r = 0; r < i.rows(); r++) {
            for (int c = 0; c < i.cols(); c++) {
                int max = Integer.MIN_VALUE;
                long sum = 0;
                int count = 0;
                for (int t = 0; t < taps; t++) {
                    int pix = convPixel(i.obase() + r, t);
                    if (pix >= 0) {
                        int addr = i.src() + pix * i.srcstride() + c;
                        m.spRange("pool source", addr, 1, 0, 1);
                        max = Math.max(max, m.sp[addr]);
                        sum += m.sp[addr];
                        count++;
                    }
                }
                if (count == 0) {
                    throw new NpuFault("output pixel " + (i.obase() + r) + " has an empty window");
                }
                m.sp[i.dst() + r * i.dststride() + c] = avg == null ? (byte) max
                        : IntArithmetic.saturateInt8(IntArithmetic.roundDiv(avg.apply(sum << 16), (long) count << 16));
            }
        }
    }

    private void dwconv(Instruction.DwConv i) {
        Instruction.ConfigConv g = conv;
        int taps = g.kh() * g.kw();
        m.spRange("dwconv destination", i.dst(), i.rows(), i.dststride(), i.cols());
        m.spRange("dwconv weights", i.weights(), 1, 0, i.cols() * taps);
        m.spRange("dwconv bias", i.bias(), 1, 0, 4 * i.cols());
        m.spRange("dwconv params", i.params(), 1, 0, 8 * i.cols());
        for (int c = 0; c < i.cols(); c++) {
            FixedPoint fp = fixedPoint(i.params() + 8 * c);
            int bias = m.spInt(i.bias() + 4 * c);
            for (int r = 0; r < i.rows(); r++) {
                int acc = bias;
                for (int t = 0; t < taps; t++) {
                    int pix = convPixel(i.obase() + r, t);
                    if (pix >= 0) {
                        int addr = i.src() + pix * i.srcstride() + c;
                        m.spRange("dwconv source", addr, 1, 0, 1);
                        acc += m.sp[addr] * m.sp[i.weights() + c * taps + t];
                    }
                }
                m.sp[i.dst() + r * i.dststride() + c] = IntArithmetic.saturateInt8(fp.apply(acc));
            }
        }
        counts.int8Macs += (long) i.rows() * i.cols() * taps;
    }

    private void softmax(Instruction.Softmax i) {
        m.spRange("softmax source", i.src(), i.rows(), i.srcstride(), i.cols());
        m.spRange("softmax destination", i.dst(), i.rows(), i.dststride(), i.cols());
        m.spRange("softmax table", i.table(), 1, 0, 4 * 256);
        for (int r = 0; r < i.rows(); r++) {
            int src = i.src() + r * i.srcstride();
            int dst = i.dst() + r * i.dststride();
            int valid = i.causal() == 1 ? Math.min(i.cols(), i.rowbase() + r + 1) : i.cols();
            int max = Integer.MIN_VALUE;
            for (int c = 0; c < valid; c++) {
                max = Math.max(max, m.sp[src + c]);
            }
            long sum = 0;
            for (int c = 0; c < valid; c++) {
                sum += m.spInt(i.table() + 4 * (max - m.sp[src + c]));
            }
            for (int c = 0; c < i.cols(); c++) {
                m.sp[dst + c] = c < valid ? (byte) IntArithmetic.roundDiv(127L * m.spInt(i.table() + 4 * (max - m.sp[src + c])), sum) : 0;
            }
        }
    }

    private void layerNorm(Instruction.LayerNorm i) {
        int d = i.cols();
        m.spRange("layernorm source", i.src(), i.rows(), i.srcstride(), d);
        m.spRange("layernorm destination", i.dst(), i.rows(), i.dststride(), d);
        m.spRange("layernorm params", i.params(), 1, 0, 8 * d + 8);
        long eps = m.spLong(i.params() + 8 * d);
        long[] dev = new long[d];
        for (int r = 0; r < i.rows(); r++) {
            int src = i.src() + r * i.srcstride();
            long s = 0;
            for (int c = 0; c < d; c++) {
                s += m.sp[src + c];
            }
            long sq = 0;
            for (int c = 0; c < d; c++) {
                dev[c] = (long) d * m.sp[src + c] - s;
                sq += dev[c] * dev[c];
            }
            long sigma = Math.max(1, IntArithmetic.isqrt(sq / d + eps));
            for (int c = 0; c < d; c++) {
                long v = IntArithmetic.roundDiv(dev[c] * m.spInt(i.params() + 4 * c), sigma) + m.spInt(i.params() + 4 * d + 4 * c);
                m.sp[i.dst() + r * i.dststride() + c] = IntArithmetic.saturateInt8(IntArithmetic.roundShift(v, 16));
            }
        }
    }
}
