package org.flexiq.isa;

/**
 * One NPU instruction. Every kind is a record whose components are its operands in the order of its
 * {@link Opcode}'s field table; {@link #operands()} returns them in that order, so encoding, assembly and
 * the spec table all come from one description. Addresses: {@code dram} in bytes (31 bits), {@code sp}-side
 * fields in scratchpad bytes, {@code acc} in accumulator rows (one row = the array's C int32 lanes).
 */
public sealed interface Instruction {
    Opcode opcode();

    int[] operands();

    /** DRAM to scratchpad: rows x cols bytes; DRAM byte (r, c) at dram + r dstride + c estride. */
    record Mvin(int dram, int sp, int rows, int cols, int dstride, int estride, int spstride) implements Instruction {
        public Opcode opcode() {
            return Opcode.MVIN;
        }

        public int[] operands() {
            return new int[]{dram, sp, rows, cols, dstride, estride, spstride};
        }
    }

    /**
     * DRAM to scratchpad, transposed: rows x cols bytes of contiguous DRAM rows land as cols scratchpad rows of rows bytes (byte
     * c of DRAM row r at scratchpad row c, column r). A view whose elements are a row apart (attention's K^T, which a plain mvin
     * moves an element per cycle) is read as whole DRAM rows and turned on the way in (after Gemmini, whose weight-stationary
     * {@code tiled_matmul_ws} takes {@code b_transpose}).
     */
    record MvinT(int dram, int sp, int rows, int cols, int dstride, int spstride) implements Instruction {
        public Opcode opcode() {
            return Opcode.MVIN_T;
        }

        public int[] operands() {
            return new int[]{dram, sp, rows, cols, dstride, spstride};
        }
    }

    /**
     * DRAM to scratchpad, unpacking 4-bit codes: rows x cols codes, two per DRAM byte (low nibble first), each written to its own
     * scratchpad byte sign-extended. Weights that are 4-bit at every ratio a program serves are stored so: half the bytes.
     */
    record MvinW4(int dram, int sp, int rows, int cols, int dstride, int spstride) implements Instruction {
        public Opcode opcode() {
            return Opcode.MVIN_W4;
        }

        public int[] operands() {
            return new int[]{dram, sp, rows, cols, dstride, spstride};
        }

        /** DRAM bytes of one row: two codes per byte. */
        public int rowBytes() {
            return (cols + 1) / 2;
        }
    }

    /** DRAM int32 to accumulator rows; dstride 0 broadcasts one row (a bias) to every row. */
    record MvinAcc(int dram, int acc, int rows, int cols, int dstride) implements Instruction {
        public Opcode opcode() {
            return Opcode.MVIN_ACC;
        }

        public int[] operands() {
            return new int[]{dram, acc, rows, cols, dstride};
        }
    }

    /** Row gather from a DRAM table by int32 ids held in the scratchpad (embedding lookup). */
    record MvinIdx(int dram, int sp, int ids, int rows, int cols, int dstride, int limit, int spstride) implements Instruction {
        public Opcode opcode() {
            return Opcode.MVIN_IDX;
        }

        public int[] operands() {
            return new int[]{dram, sp, ids, rows, cols, dstride, limit, spstride};
        }
    }

    /** Scratchpad to DRAM: rows x cols bytes; DRAM byte (r, c) at dram + r dstride + c estride. */
    record Mvout(int sp, int dram, int rows, int cols, int spstride, int dstride, int estride) implements Instruction {
        public Opcode opcode() {
            return Opcode.MVOUT;
        }

        public int[] operands() {
            return new int[]{sp, dram, rows, cols, spstride, dstride, estride};
        }
    }

    /**
     * Weight tile rows x cols into the array's shadow registers; mode 1 lowers it to 4 bits with a shift per column, or, with
     * codes 1, takes its bytes as 4-bit codes already (unpacked by mvin.w4).
     */
    record Preload(int sp, int rows, int cols, int stride, int mode, int shifts, int codes) implements Instruction {
        /** A tile of int8 weights (lowered to 4 bits in mode 1). */
        public Preload(int sp, int rows, int cols, int stride, int mode, int shifts) {
            this(sp, rows, cols, stride, mode, shifts, 0);
        }

        public Opcode opcode() {
            return Opcode.PRELOAD;
        }

        public int[] operands() {
            return new int[]{sp, rows, cols, stride, mode, shifts, codes};
        }
    }

    /** Streams rows activation vectors through the preloaded tile into the accumulator. */
    record Compute(int sp, int acc, int rows, int stride, int accumulate, int mode, int ashift, int ashstride, int conv, int tap,
                   int obase) implements Instruction {
        public Opcode opcode() {
            return Opcode.COMPUTE;
        }

        public int[] operands() {
            return new int[]{sp, acc, rows, stride, accumulate, mode, ashift, ashstride, conv, tap, obase};
        }
    }

    /**
     * Convolution and pooling window geometry for the instructions that follow. {@code outh} > 0: the band holds whole images
     * one after another, {@code fullh} rows each, and output pixel o is pixel o mod (outh * outw) of image o / (outh * outw).
     */
    record ConfigConv(int inh, int inw, int fullh, int outw, int kh, int kw, int sh, int sw, int padh, int padw, int dil,
                      int iy0, int outh) implements Instruction {
        /** One image's band. */
        public ConfigConv(int inh, int inw, int fullh, int outw, int kh, int kw, int sh, int sw, int padh, int padw, int dil, int iy0) {
            this(inh, inw, fullh, outw, kh, kw, sh, sw, padh, padw, dil, iy0, 0);
        }

        public Opcode opcode() {
            return Opcode.CONFIG_CONV;
        }

        public int[] operands() {
            return new int[]{inh, inw, fullh, outw, kh, kw, sh, sw, padh, padw, dil, iy0, outh};
        }
    }

    /** Activation operands of the next loop.ws: int8 codes, 4-bit codes and their shifts. */
    record ConfigWs(int a, int astride, int a4, int a4stride, int ashift, int ashstride) implements Instruction {
        public Opcode opcode() {
            return Opcode.CONFIG_WS;
        }

        public int[] operands() {
            return new int[]{a, astride, a4, a4stride, ashift, ashstride};
        }
    }

    /** One output tile's whole reduction, split at MAX_4BIT_CH = reg[mreg] into dual-int4 and int8 folds. */
    record LoopWs(int w, int wstride, int wshift, int wshstride, int acc, int m, int n, int k, int tap0, int taps, int g, int mreg,
                  int conv, int obase, int wcodes) implements Instruction {
        /** A loop whose weights are all int8 (wcodes 0). */
        public LoopWs(int w, int wstride, int wshift, int wshstride, int acc, int m, int n, int k, int tap0, int taps, int g, int mreg,
                      int conv, int obase) {
            this(w, wstride, wshift, wshstride, acc, m, n, k, tap0, taps, g, mreg, conv, obase, 0);
        }

        public Opcode opcode() {
            return Opcode.LOOP_WS;
        }

        public int[] operands() {
            return new int[]{w, wstride, wshift, wshstride, acc, m, n, k, tap0, taps, g, mreg, conv, obase, wcodes};
        }
    }

    /**
     * 8 to 4 bit extraction of the first reg[mreg] channels of each row, group by group, into signed codes, or unsigned
     * ones ({@code unsigned} 1) for rows that are never negative.
     */
    record Extract(int src, int srcstride, int dst, int dststride, int shifts, int shstride, int rows, int g, int mreg, int mode,
                   int table, int unsigned) implements Instruction {
        public Opcode opcode() {
            return Opcode.EXTRACT;
        }

        public int[] operands() {
            return new int[]{src, srcstride, dst, dststride, shifts, shstride, rows, g, mreg, mode, table, unsigned};
        }
    }

    /** Accumulator to int8 by a fixed-point multiplier per column, then clamped to [min, max]. */
    record Requant(int acc, int sp, int rows, int cols, int spstride, int params, int pstride, int min, int max) implements Instruction {
        public Opcode opcode() {
            return Opcode.REQUANT;
        }

        public int[] operands() {
            return new int[]{acc, sp, rows, cols, spstride, params, pstride, min, max};
        }
    }

    /** dst = table[src + 128] element-wise (GELU, SiLU, Tanh, clamps, rescales). */
    record Lut(int src, int dst, int rows, int cols, int srcstride, int dststride, int table) implements Instruction {
        public Opcode opcode() {
            return Opcode.LUT;
        }

        public int[] operands() {
            return new int[]{src, dst, rows, cols, srcstride, dststride, table};
        }
    }

    /** Residual add of two int8 tiles, each by its own multiplier; bstride 0 broadcasts one row of b. */
    record Add(int a, int b, int dst, int rows, int cols, int astride, int bstride, int dststride, int params) implements Instruction {
        public Opcode opcode() {
            return Opcode.ADD;
        }

        public int[] operands() {
            return new int[]{a, b, dst, rows, cols, astride, bstride, dststride, params};
        }
    }

    /** Element-wise product of two int8 tiles, requantized by one multiplier; bstride 0 broadcasts one row of b. */
    record Mul(int a, int b, int dst, int rows, int cols, int astride, int bstride, int dststride, int params) implements Instruction {
        public Opcode opcode() {
            return Opcode.MUL;
        }

        public int[] operands() {
            return new int[]{a, b, dst, rows, cols, astride, bstride, dststride, params};
        }
    }

    /** Channel reorder: dst[r][c] = src[r][table[c]] with an int16 permutation table. */
    record Gather(int src, int dst, int rows, int cols, int srcstride, int dststride, int table) implements Instruction {
        public Opcode opcode() {
            return Opcode.GATHER;
        }

        public int[] operands() {
            return new int[]{src, dst, rows, cols, srcstride, dststride, table};
        }
    }

    /** Max or average pooling of pixel rows over the configured windows. */
    record Pool(int src, int srcstride, int dst, int dststride, int rows, int cols, int obase, int avg, int params) implements Instruction {
        public Opcode opcode() {
            return Opcode.POOL;
        }

        public int[] operands() {
            return new int[]{src, srcstride, dst, dststride, rows, cols, obase, avg, params};
        }
    }

    /** Depthwise convolution on the vector unit: per channel, the configured window times its own weights. */
    record DwConv(int src, int srcstride, int dst, int dststride, int rows, int cols, int obase, int weights, int bias,
                  int params) implements Instruction {
        public Opcode opcode() {
            return Opcode.DWCONV;
        }

        public int[] operands() {
            return new int[]{src, srcstride, dst, dststride, rows, cols, obase, weights, bias, params};
        }
    }

    /** Row softmax by an exp table; causal rows see only columns up to their index rowbase + r. */
    record Softmax(int src, int dst, int rows, int cols, int srcstride, int dststride, int table, int causal, int rowbase) implements Instruction {
        public Opcode opcode() {
            return Opcode.SOFTMAX;
        }

        public int[] operands() {
            return new int[]{src, dst, rows, cols, srcstride, dststride, table, causal, rowbase};
        }
    }

    /** Integer LayerNorm of each row with gamma, beta and eps from the scratchpad. */
    record LayerNorm(int src, int dst, int rows, int cols, int srcstride, int dststride, int params) implements Instruction {
        public Opcode opcode() {
            return Opcode.LAYERNORM;
        }

        public int[] operands() {
            return new int[]{src, dst, rows, cols, srcstride, dststride, params};
        }
    }

    /** reg[reg] = value. */
    record SetReg(int reg, int value) implements Instruction {
        public Opcode opcode() {
            return Opcode.SETREG;
        }

        public int[] operands() {
            return new int[]{reg, value};
        }
    }

    /** Issue waits until the queues in mask (bit 0 load, 1 execute, 2 store) have drained. */
    record Fence(int mask) implements Instruction {
        public Opcode opcode() {
            return Opcode.FENCE;
        }

        public int[] operands() {
            return new int[]{mask};
        }
    }

    /** Queue {@code queue} increments semaphore {@code sem} when everything before this in it has finished. */
    record SemPost(int queue, int sem) implements Instruction {
        public Opcode opcode() {
            return Opcode.SEM_POST;
        }

        public int[] operands() {
            return new int[]{queue, sem};
        }
    }

    /** Queue {@code queue} waits until semaphore {@code sem} is positive, then decrements it. */
    record SemWait(int queue, int sem) implements Instruction {
        public Opcode opcode() {
            return Opcode.SEM_WAIT;
        }

        public int[] operands() {
            return new int[]{queue, sem};
        }
    }

    /** Marks the start of layer {@code id} of the program's layer table (statistics, disassembly). */
    record Layer(int id) implements Instruction {
        public Opcode opcode() {
            return Opcode.LAYER;
        }

        public int[] operands() {
            return new int[]{id};
        }
    }

    /** End of program. */
    record Halt() implements Instruction {
        public Opcode opcode() {
            return Opcode.HALT;
        }

        public int[] operands() {
            return new int[0];
        }
    }
}
