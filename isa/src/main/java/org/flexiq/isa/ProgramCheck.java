package org.flexiq.isa;

import java.util.ArrayList;
import java.util.List;

/**
 * What makes a program unable to run on its own target, found before it runs: loads, stores, requantizations, preloads,
 * weight-stationary loops' weights, the elementwise vector ops' operands and tables (lut, add, gather, softmax,
 * layernorm) and the outputs and parameters of pool and dwconv whose scratchpad, accumulator or DRAM ranges pass the
 * end of the memory, columns past the array's width, and 4-bit loops or
 * extractions with a group width of 0 where a register profile (or a {@code setreg}) can give them 4-bit channels. The
 * ranges are the instructions' own semantics (Opcode's text): rows times the row stride plus the last row's bytes.
 */
public final class ProgramCheck {
    private ProgramCheck() {
    }

    /** One problem: the instruction's index in the code, and what is wrong. */
    public record Problem(int instruction, String message) {
    }

    public static List<Problem> problems(NpuProgram p) {
        List<Problem> out = new ArrayList<>();
        Target t = p.target();
        long sp = t.scratchpadBytes();
        long dram = p.dramBytes();
        // the window geometry dwconv reads, as set by the last config.conv before it in program order
        Instruction.ConfigConv conv = null;
        for (int i = 0; i < p.code().size(); i++) {
            Instruction ins = p.code().get(i);
            String op = ins.opcode().mnemonic();
            if (ins instanceof Instruction.ConfigConv c) {
                conv = c;
            } else if (ins instanceof Instruction.Mvin m) {
                range(out, i, op, "scratchpad", m.sp(), m.rows(), m.spstride(), m.cols(), 1, sp);
                range(out, i, op, "DRAM", m.dram(), m.rows(), m.dstride(), m.cols(), m.estride(), dram);
            } else if (ins instanceof Instruction.MvinT m) {
                range(out, i, op, "scratchpad", m.sp(), m.cols(), m.spstride(), m.rows(), 1, sp);
                range(out, i, op, "DRAM", m.dram(), m.rows(), m.dstride(), m.cols(), 1, dram);
            } else if (ins instanceof Instruction.MvinW4 m) {
                range(out, i, op, "scratchpad", m.sp(), m.rows(), m.spstride(), m.cols(), 1, sp);
                range(out, i, op, "DRAM", m.dram(), m.rows(), m.dstride(), m.rowBytes(), 1, dram);
            } else if (ins instanceof Instruction.Mvout m) {
                range(out, i, op, "scratchpad", m.sp(), m.rows(), m.spstride(), m.cols(), 1, sp);
                range(out, i, op, "DRAM", m.dram(), m.rows(), m.dstride(), m.cols(), m.estride(), dram);
            } else if (ins instanceof Instruction.MvinIdx m) {
                range(out, i, op, "scratchpad", m.sp(), m.rows(), m.spstride(), m.cols(), 1, sp);
                range(out, i, op, "scratchpad (ids)", m.ids(), 1, 0, 4 * m.rows(), 1, sp);
            } else if (ins instanceof Instruction.MvinAcc m) {
                rows(out, i, op, m.acc(), m.rows(), t.accumulatorRows());
                columns(out, i, op, m.cols(), t.cols());
                if (m.rows() > 0 && m.cols() > 0) {
                    long end = m.dram() + (m.dstride() == 0 ? 0 : (long) (m.rows() - 1) * m.dstride()) + 4L * m.cols();
                    if (end > dram) {
                        out.add(new Problem(i, op + ": DRAM bytes [" + m.dram() + ", " + end + ") pass the program's " + dram + " DRAM bytes"));
                    }
                }
            } else if (ins instanceof Instruction.Requant m) {
                rows(out, i, op, m.acc(), m.rows(), t.accumulatorRows());
                columns(out, i, op, m.cols(), t.cols());
                range(out, i, op, "scratchpad", m.sp(), m.rows(), m.spstride(), m.cols(), 1, sp);
                range(out, i, op, "scratchpad (params)", m.params(), 1, 0, (m.cols() - 1) * m.pstride() + 8, 1, sp);
            } else if (ins instanceof Instruction.Preload m) {
                columns(out, i, op, m.cols(), t.cols());
                range(out, i, op, "scratchpad (weights)", m.sp(), m.rows(), m.stride(), m.cols(), 1, sp);
                if (m.mode() == 1) {
                    range(out, i, op, "scratchpad (shifts)", m.shifts(), 1, 0, m.cols(), 1, sp);
                }
            } else if (ins instanceof Instruction.Lut m) {
                rowsOf(out, i, op, sp, m.rows(), m.cols(), new int[]{m.src(), m.srcstride(), m.dst(), m.dststride()});
                range(out, i, op, "scratchpad (table)", m.table(), 1, 0, 256, 1, sp);
            } else if (ins instanceof Instruction.Add m) {
                rowsOf(out, i, op, sp, m.rows(), m.cols(), new int[]{m.a(), m.astride(), m.b(), m.bstride(), m.dst(), m.dststride()});
                range(out, i, op, "scratchpad (params)", m.params(), 1, 0, 16, 1, sp);
            } else if (ins instanceof Instruction.Mul m) {
                rowsOf(out, i, op, sp, m.rows(), m.cols(), new int[]{m.a(), m.astride(), m.b(), m.bstride(), m.dst(), m.dststride()});
                range(out, i, op, "scratchpad (params)", m.params(), 1, 0, 8, 1, sp);
            } else if (ins instanceof Instruction.Gather m) {
                rowsOf(out, i, op, sp, m.rows(), m.cols(), new int[]{m.src(), m.srcstride(), m.dst(), m.dststride()});
                range(out, i, op, "scratchpad (table)", m.table(), 1, 0, 2 * m.cols(), 1, sp);
            } else if (ins instanceof Instruction.Softmax m) {
                rowsOf(out, i, op, sp, m.rows(), m.cols(), new int[]{m.src(), m.srcstride(), m.dst(), m.dststride()});
                range(out, i, op, "scratchpad (table)", m.table(), 1, 0, 4 * 256, 1, sp);
            } else if (ins instanceof Instruction.LayerNorm m) {
                rowsOf(out, i, op, sp, m.rows(), m.cols(), new int[]{m.src(), m.srcstride(), m.dst(), m.dststride()});
                range(out, i, op, "scratchpad (params)", m.params(), 1, 0, 8 * m.cols() + 8, 1, sp);
            } else if (ins instanceof Instruction.Pool m) {
                range(out, i, op, "scratchpad", m.dst(), m.rows(), m.dststride(), m.cols(), 1, sp);
            } else if (ins instanceof Instruction.DwConv m) {
                range(out, i, op, "scratchpad", m.dst(), m.rows(), m.dststride(), m.cols(), 1, sp);
                if (conv != null) {
                    range(out, i, op, "scratchpad (weights)", m.weights(), 1, 0, m.cols() * conv.kh() * conv.kw(), 1, sp);
                }
                range(out, i, op, "scratchpad (bias)", m.bias(), 1, 0, 4 * m.cols(), 1, sp);
                range(out, i, op, "scratchpad (params)", m.params(), 1, 0, 8 * m.cols(), 1, sp);
            } else if (ins instanceof Instruction.LoopWs m) {
                columns(out, i, op, m.n(), t.cols());
                group(out, i, op, m.g(), m.mreg(), p);
                // weights: taps x k rows of n bytes, row (t - tap0) x k + c
                range(out, i, op, "scratchpad (weights)", m.w(), m.taps() * m.k(), m.wstride(), m.n(), 1, sp);
                belowCodes(out, i, op, m, p);
            } else if (ins instanceof Instruction.Extract m) {
                group(out, i, op, m.g(), m.mreg(), p);
            }
        }
        return out;
    }

    /** Each (address, row stride) pair's rows x cols bytes inside the scratchpad: an elementwise op's operands. */
    private static void rowsOf(List<Problem> out, int i, String op, long sp, int rows, int cols, int[] addressAndStride) {
        for (int k = 0; k < addressAndStride.length; k += 2) {
            range(out, i, op, "scratchpad", addressAndStride[k], rows, addressAndStride[k + 1], cols, 1, sp);
        }
    }

    /** Bytes [base, base + (rows - 1) x stride + (cols - 1) x step + 1) inside [0, size). */
    private static void range(List<Problem> out, int i, String op, String memory, long base, int rows, int stride, int cols, int step, long size) {
        if (rows <= 0 || cols <= 0) {
            return;
        }
        long end = base + (long) (rows - 1) * stride + (long) (cols - 1) * Math.max(1, step) + 1;
        if (end > size) {
            out.add(new Problem(i, op + ": " + memory + " bytes [" + base + ", " + end + ") pass its end (" + size + " bytes)"));
        }
    }

    private static void rows(List<Problem> out, int i, String op, int acc, int rows, int accRows) {
        if ((long) acc + rows > accRows) {
            out.add(new Problem(i, op + ": accumulator rows [" + acc + ", " + ((long) acc + rows) + ") pass its " + accRows + " rows"));
        }
    }

    private static void columns(List<Problem> out, int i, String op, int cols, int arrayCols) {
        if (cols > arrayCols) {
            out.add(new Problem(i, op + ": " + cols + " columns, wider than the array's " + arrayCols));
        }
    }

    /**
     * A loop whose first wcodes channels hold 4-bit weight codes cannot run them as int8 folds: every profile must give its
     * register at least wcodes (a program compiled for a ratio floor carries no profile below it).
     */
    private static void belowCodes(List<Problem> out, int i, String op, Instruction.LoopWs m, NpuProgram p) {
        if (m.wcodes() == 0) {
            return;
        }
        if (m.wcodes() > m.k()) {
            out.add(new Problem(i, op + ": wcodes=" + m.wcodes() + " passes its k=" + m.k() + " channels"));
        }
        for (RegisterProfile r : p.profiles()) {
            int v = r.values().getOrDefault(m.mreg(), 0);
            if (v < m.wcodes()) {
                out.add(new Problem(i, op + ": profile \"" + r.name() + "\" gives r" + m.mreg() + " = " + v + " 4-bit channels, fewer than the "
                        + m.wcodes() + " whose weights are stored as 4-bit codes (wcodes)"));
            }
        }
    }

    private static void group(List<Problem> out, int i, String op, int g, int mreg, NpuProgram p) {
        if (g > 0) {
            return;
        }
        boolean fourBit = p.profiles().stream().anyMatch(r -> r.values().getOrDefault(mreg, 0) > 0)
                || p.code().stream().anyMatch(c -> c instanceof Instruction.SetReg s && s.reg() == mreg && s.value() > 0);
        if (fourBit) {
            out.add(new Problem(i, op + ": g=0, but register r" + mreg + " can hold 4-bit channels (a group width must be at least 1)"));
        }
    }
}
