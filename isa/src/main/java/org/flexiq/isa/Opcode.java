package org.flexiq.isa;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.flexiq.isa.Field.s;
import static org.flexiq.isa.Field.u;

/**
 * The instruction set's one description: per opcode its binary code, mnemonic, unit, operand fields (in
 * encoding order), semantics and cycle cost. The encoder, decoder, assembler, disassembler and the spec
 * table in isa/README.md all read this table. Cost symbols: R x C array, B DRAM bytes per cycle, L DRAM
 * latency in cycles, V vector lanes (int8 elements per cycle).
 */
public enum Opcode {
    MVIN(0x01, "mvin", Unit.LOAD, spec(
            u("dram", 31, "DRAM byte address"), u("sp", 24, "scratchpad byte address"), u("rows", 16, "rows"),
            u("cols", 16, "bytes per row"), u("dstride", 24, "DRAM row stride, bytes"),
            u("estride", 16, "DRAM element stride, bytes (1: contiguous)"), u("spstride", 20, "scratchpad row stride, bytes")),
            "sp[r*spstride + c] = dram[dram + r*dstride + c*estride]",
            "L + ceil(rows*cols / B) for contiguous rows, L + rows*ceil(cols / B) otherwise, L + rows*cols with estride > 1",
            v -> new Instruction.Mvin(v[0], v[1], v[2], v[3], v[4], v[5], v[6])),
    MVIN_ACC(0x02, "mvin.acc", Unit.LOAD, spec(
            u("dram", 31, "DRAM byte address of int32 data"), u("acc", 20, "accumulator row"), u("rows", 16, "rows"),
            u("cols", 16, "int32 words per row (<= C)"), u("dstride", 24, "DRAM row stride, bytes (0: broadcast one row)")),
            "acc[acc + r][c] = int32 at dram + r*dstride + 4c",
            "L + ceil(4*cols*(dstride = 0 ? 1 : rows) / B) + rows",
            v -> new Instruction.MvinAcc(v[0], v[1], v[2], v[3], v[4])),
    MVIN_IDX(0x03, "mvin.idx", Unit.LOAD, spec(
            u("dram", 31, "DRAM table base"), u("sp", 24, "scratchpad destination"), u("ids", 24, "scratchpad int32 ids, one per row"),
            u("rows", 16, "rows"), u("cols", 16, "bytes per row"), u("dstride", 24, "table row stride, bytes"),
            u("limit", 24, "table rows; an id outside [0, limit) faults"), u("spstride", 20, "scratchpad row stride")),
            "sp[sp + r*spstride + c] = dram[dram + id[r]*dstride + c]",
            "L + rows*ceil(cols / B)",
            v -> new Instruction.MvinIdx(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])),
    MVOUT(0x04, "mvout", Unit.STORE, spec(
            u("sp", 24, "scratchpad byte address"), u("dram", 31, "DRAM byte address"), u("rows", 16, "rows"),
            u("cols", 16, "bytes per row"), u("spstride", 20, "scratchpad row stride"), u("dstride", 24, "DRAM row stride"),
            u("estride", 16, "DRAM element stride (1: contiguous)")),
            "dram[dram + r*dstride + c*estride] = sp[sp + r*spstride + c]",
            "L + ceil(rows*cols / B) for contiguous rows, L + rows*ceil(cols / B) otherwise, L + rows*cols with estride > 1",
            v -> new Instruction.Mvout(v[0], v[1], v[2], v[3], v[4], v[5], v[6])),
    MVIN_W4(0x05, "mvin.w4", Unit.LOAD, spec(
            u("dram", 31, "DRAM byte address of packed 4-bit codes"), u("sp", 24, "scratchpad byte address"), u("rows", 16, "rows"),
            u("cols", 16, "codes per row"), u("dstride", 24, "DRAM row stride, bytes (ceil(cols / 2): contiguous)"),
            u("spstride", 20, "scratchpad row stride, bytes")),
            "sp[sp + r*spstride + c] = sext4(nibble c of the DRAM row at dram + r*dstride: byte c/2, low nibble first)",
            "L + ceil(rows*ceil(cols/2) / B) for contiguous rows, L + rows*ceil(ceil(cols/2) / B) otherwise",
            v -> new Instruction.MvinW4(v[0], v[1], v[2], v[3], v[4], v[5])),
    MVIN_T(0x06, "mvin.t", Unit.LOAD, spec(
            u("dram", 31, "DRAM byte address"), u("sp", 24, "scratchpad byte address"), u("rows", 16, "DRAM rows (scratchpad columns)"),
            u("cols", 16, "bytes per DRAM row (scratchpad rows)"), u("dstride", 24, "DRAM row stride, bytes"),
            u("spstride", 20, "scratchpad row stride, bytes")),
            "sp[sp + c*spstride + r] = dram[dram + r*dstride + c]: contiguous DRAM rows written transposed, through a transposer of "
                    + "R x R bytes",
            "L + max(DRAM bursts as mvin's, rows*ceil(cols / R)) + min(cols, R): each DRAM row enters the transposer R bytes per "
                    + "cycle, the last block drains a scratchpad row per cycle",
            v -> new Instruction.MvinT(v[0], v[1], v[2], v[3], v[4], v[5])),
    PRELOAD(0x10, "preload", Unit.MATRIX, spec(
            u("sp", 24, "weight tile, K rows of N bytes"), u("rows", 16, "K: <= R (int8) or <= 2R (int4)"),
            u("cols", 16, "N: <= C"), u("stride", 20, "row stride"), u("mode", 1, "0 int8, 1 dual-int4"),
            u("shifts", 24, "int4: N weight shifts, one byte per column"),
            u("codes", 1, "int4: 1 when the tile holds 4-bit codes already (mvin.w4), taken as they are")),
            "shadow W[k][n] = sp[sp + k*stride + n]; int4: W = sat4(round(W / 2^shift[n])), or W itself (in [-8, 7]) with codes = 1; "
                    + "column shift kept",
            "R (a PE row per cycle, skewed by column); overlaps the previous compute with double-buffered weights",
            v -> new Instruction.Preload(v[0], v[1], v[2], v[3], v[4], v[5], v[6])),
    COMPUTE(0x11, "compute", Unit.MATRIX, spec(
            u("sp", 24, "activation rows (K bytes each)"), u("acc", 20, "first accumulator row"), u("rows", 16, "M: rows streamed"),
            u("stride", 20, "activation row stride"), u("accumulate", 1, "1: acc += , 0: acc = "),
            u("mode", 1, "0 int8, 1 dual-int4"), u("ashift", 24, "int4: activation shift per row (bytes)"),
            u("ashstride", 16, "int4: shift row stride"), u("conv", 1, "1: rows are output pixels of the configured conv"),
            u("tap", 12, "conv: kernel tap (kh*kw index)"), u("obase", 16, "conv: output pixel of row 0")),
            "flips the shadow weights in; acc[r][n] (+)= sum_k a[r][k] W[k][n], int4: << (ashift[r] + wshift[n]), a = the low 5 bits of each byte, "
                    + "sign-extended (a signed or an unsigned 4-bit code)",
            "M + R + C - 2 alone (skew fill and drain); M when pipelined behind the previous fold",
            v -> new Instruction.Compute(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10])),
    CONFIG_CONV(0x12, "config.conv", Unit.CONTROL, spec(
            u("inh", 12, "input rows held in the scratchpad band"), u("inw", 12, "input width"), u("fullh", 12, "input height"),
            u("outw", 12, "output width"), u("kh", 8, "window height"), u("kw", 8, "window width"), u("sh", 8, "stride y"),
            u("sw", 8, "stride x"), u("padh", 8, "top padding"), u("padw", 8, "left padding"), u("dil", 8, "dilation"),
            s("iy0", 13, "input row held in band row 0"),
            u("outh", 12, "output rows per image where the band holds whole images, fullh rows each (0: one image)")),
            "sets the window geometry read by compute conv=1, loop.ws conv=1, pool and dwconv; outh > 0: output pixel o is pixel "
                    + "o mod (outh*outw) of the band's image o / (outh*outw)",
            "1",
            v -> new Instruction.ConfigConv(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12])),
    CONFIG_WS(0x13, "config.ws", Unit.CONTROL, spec(
            u("a", 24, "int8 activations"), u("astride", 20, "their row stride"), u("a4", 24, "4-bit codes"),
            u("a4stride", 20, "their row stride"), u("ashift", 24, "activation shifts, one byte per row and group"),
            u("ashstride", 16, "shift row stride")),
            "sets the activation operands of the next loop.ws",
            "1",
            v -> new Instruction.ConfigWs(v[0], v[1], v[2], v[3], v[4], v[5])),
    LOOP_WS(0x14, "loop.ws", Unit.MATRIX, spec(
            u("w", 24, "weights: taps*k rows of n bytes, row (t - tap0)*k + c"), u("wstride", 20, "weight row stride"),
            u("wshift", 24, "weight shifts: one row of n bytes per group"), u("wshstride", 16, "weight shift row stride"),
            u("acc", 20, "first accumulator row"), u("m", 16, "rows (output pixels or tokens)"), u("n", 16, "columns, <= C"),
            u("k", 16, "input channels"), u("tap0", 12, "first kernel tap"), u("taps", 12, "kernel taps from tap0 (1: matrix product)"), u("g", 16, "group width G"),
            u("mreg", 10, "register holding MAX_4BIT_CH"), u("conv", 1, "1: conv addressing"), u("obase", 16, "conv: output pixel of row 0"),
            u("wcodes", 16, "channels [0, wcodes) of each tap hold 4-bit weight codes (mvin.w4), not int8 weights")),
            "for each tap t in [tap0, tap0 + taps): dual-int4 folds of min(G, 2R) channels over [0, reg[mreg]), then int8 folds of R over [reg[mreg], k); "
                    + "each fold = preload + compute, accumulating; the folds below wcodes preload with codes = 1, and reg[mreg] < wcodes faults",
            "sum over folds of (M + fold preload not hidden) + R + C - 2 once",
            v -> new Instruction.LoopWs(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14])),
    EXTRACT(0x20, "extract", Unit.VECTOR, spec(
            u("src", 24, "int8 rows"), u("srcstride", 20, "row stride"), u("dst", 24, "4-bit codes, one per byte"),
            u("dststride", 20, "row stride"), u("shifts", 24, "out: shift per row and group"), u("shstride", 16, "shift row stride"),
            u("rows", 16, "rows"), u("g", 16, "group width G"), u("mreg", 10, "register holding the channel count"),
            u("mode", 2, "0 static, 1 dynamic, 2 as register 1 says"), u("table", 24, "static: shift per group, bytes"),
            u("unsigned", 1, "1: unsigned codes [0, 15] for rows never negative, 0: signed [-8, 7]")),
            "per row and group of G channels in [0, reg[mreg]): p = table[g] or bitLength(OR |x|) - 3 (- 4 unsigned); dst = sat4(round(x / 2^p)) or satU4",
            "rows * ceil(reg[mreg] / V), twice for dynamic (OR pass)",
            v -> new Instruction.Extract(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11])),
    REQUANT(0x21, "requant", Unit.VECTOR, spec(
            u("acc", 20, "first accumulator row"), u("sp", 24, "int8 destination"), u("rows", 16, "rows"), u("cols", 16, "columns, <= C"),
            u("spstride", 20, "destination row stride"), u("params", 24, "per column: int32 multiplier, int32 shift"),
            u("pstride", 4, "bytes between columns' params (0: one for all)"), s("min", 8, "clamp low"), s("max", 8, "clamp high")),
            "sp = clamp(sat8(round(acc * M[c])), min, max), M = multiplier * 2^(shift - 31)",
            "rows * ceil(cols / V)",
            v -> new Instruction.Requant(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])),
    LUT(0x22, "lut", Unit.VECTOR, spec(
            u("src", 24, "int8 rows"), u("dst", 24, "int8 rows"), u("rows", 16, "rows"), u("cols", 16, "bytes per row"),
            u("srcstride", 20, "row stride"), u("dststride", 20, "row stride"), u("table", 24, "256 bytes")),
            "dst = table[src + 128]",
            "rows * ceil(cols / V)",
            v -> new Instruction.Lut(v[0], v[1], v[2], v[3], v[4], v[5], v[6])),
    ADD(0x23, "add", Unit.VECTOR, spec(
            u("a", 24, "int8 rows"), u("b", 24, "int8 rows"), u("dst", 24, "int8 rows"), u("rows", 16, "rows"),
            u("cols", 16, "bytes per row"), u("astride", 20, "row stride"), u("bstride", 20, "row stride (0: one row for all)"),
            u("dststride", 20, "row stride"), u("params", 24, "two multipliers: int32 m, int32 shift each")),
            "dst = sat8(round((Ma (a << 16) + Mb (b << 16)) / 2^16))",
            "rows * ceil(cols / V)",
            v -> new Instruction.Add(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])),
    GATHER(0x24, "gather", Unit.VECTOR, spec(
            u("src", 24, "int8 rows"), u("dst", 24, "int8 rows"), u("rows", 16, "rows"), u("cols", 16, "channels"),
            u("srcstride", 20, "row stride"), u("dststride", 20, "row stride"), u("table", 24, "int16 source channel per column")),
            "dst[r][c] = src[r][table[c]] (channel reorder)",
            "rows * ceil(cols / V)",
            v -> new Instruction.Gather(v[0], v[1], v[2], v[3], v[4], v[5], v[6])),
    POOL(0x25, "pool", Unit.VECTOR, spec(
            u("src", 24, "input band, one row per pixel"), u("srcstride", 20, "pixel stride"), u("dst", 24, "output pixels"),
            u("dststride", 20, "pixel stride"), u("rows", 16, "output pixels"), u("cols", 16, "channels"),
            u("obase", 16, "output pixel of row 0"), u("avg", 1, "0 max, 1 average"), u("params", 24, "average: int32 m, int32 shift")),
            "max, or round(M sum / count), over the window's pixels inside the input",
            "rows * kh*kw * ceil(cols / V)",
            v -> new Instruction.Pool(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])),
    DWCONV(0x26, "dwconv", Unit.VECTOR, spec(
            u("src", 24, "input band, one row per pixel"), u("srcstride", 20, "pixel stride"), u("dst", 24, "output pixels"),
            u("dststride", 20, "pixel stride"), u("rows", 16, "output pixels"), u("cols", 16, "channels"),
            u("obase", 16, "output pixel of row 0"), u("weights", 24, "int8 [cols, kh*kw]"), u("bias", 24, "int32 [cols]"),
            u("params", 24, "per channel: int32 m, int32 shift")),
            "depthwise: dst[p][c] = sat8(round(M[c] (bias[c] + sum_t x[p,t][c] w[c][t])))",
            "rows * kh*kw * ceil(cols / V)",
            v -> new Instruction.DwConv(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9])),
    SOFTMAX(0x27, "softmax", Unit.VECTOR, spec(
            u("src", 24, "int8 rows"), u("dst", 24, "int8 rows"), u("rows", 16, "rows"), u("cols", 16, "row length"),
            u("srcstride", 20, "row stride"), u("dststride", 20, "row stride"), u("table", 24, "256 int32: exp of -d"),
            u("causal", 1, "1: row r sees columns 0..rowbase + r"), u("rowbase", 16, "index of row 0 in its matrix")),
            "E = table[max - x]; dst = round(127 E / sum E)",
            "3 * rows * ceil(cols / V)",
            v -> new Instruction.Softmax(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])),
    LAYERNORM(0x28, "layernorm", Unit.VECTOR, spec(
            u("src", 24, "int8 rows"), u("dst", 24, "int8 rows"), u("rows", 16, "rows"), u("cols", 16, "row length D"),
            u("srcstride", 20, "row stride"), u("dststride", 20, "row stride"),
            u("params", 24, "int32 gamma[D], int32 beta[D], int64 eps")),
            "dev = D x - sum x; s = isqrt(sum dev^2 / D + eps); dst = sat8(round((round(dev gamma / s) + beta) / 2^16))",
            "3 * rows * ceil(cols / V) + rows * 32 (square root)",
            v -> new Instruction.LayerNorm(v[0], v[1], v[2], v[3], v[4], v[5], v[6])),
    MUL(0x29, "mul", Unit.VECTOR, spec(
            u("a", 24, "int8 rows"), u("b", 24, "int8 rows"), u("dst", 24, "int8 rows"), u("rows", 16, "rows"),
            u("cols", 16, "bytes per row"), u("astride", 20, "row stride"), u("bstride", 20, "row stride (0: one row for all)"),
            u("dststride", 20, "row stride"), u("params", 24, "one multiplier: int32 m, int32 shift")),
            "dst = sat8(round(M a b))",
            "rows * ceil(cols / V)",
            v -> new Instruction.Mul(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8])),
    SETREG(0x30, "setreg", Unit.CONTROL, spec(u("reg", 10, "register; r0 reads 0"), s("value", 32, "value")),
            "reg[reg] = value (r1: extraction mode, r2..: MAX_4BIT_CH per layer)",
            "1",
            v -> new Instruction.SetReg(v[0], v[1])),
    FENCE(0x31, "fence", Unit.CONTROL, spec(u("mask", 3, "queues: 1 load, 2 execute, 4 store")),
            "issue stops until the named queues have drained",
            "until drained",
            v -> new Instruction.Fence(v[0])),
    SEM_POST(0x32, "sem.post", Unit.CONTROL, spec(u("queue", 2, "0 load, 1 execute, 2 store"), u("sem", 4, "semaphore")),
            "after everything earlier in the queue finishes: sem += 1",
            "0 (in order within its queue)",
            v -> new Instruction.SemPost(v[0], v[1])),
    SEM_WAIT(0x33, "sem.wait", Unit.CONTROL, spec(u("queue", 2, "0 load, 1 execute, 2 store"), u("sem", 4, "semaphore")),
            "the queue waits for sem > 0, then sem -= 1",
            "until posted",
            v -> new Instruction.SemWait(v[0], v[1])),
    LAYER(0x3e, "layer", Unit.CONTROL, spec(u("id", 16, "index in the program's layer table")),
            "what follows belongs to layer id (statistics and disassembly only)",
            "0",
            v -> new Instruction.Layer(v[0])),
    HALT(0x3f, "halt", Unit.CONTROL, spec(),
            "end of program",
            "0",
            v -> new Instruction.Halt());

    /** Bytes per encoded instruction. */
    public static final int WORD_BYTES = 32;

    private static final Map<Integer, Opcode> BY_CODE = Stream.of(values()).collect(Collectors.toMap(o -> o.code, o -> o));
    private static final Map<String, Opcode> BY_MNEMONIC = Stream.of(values()).collect(Collectors.toMap(o -> o.mnemonic, o -> o));

    private final int code;
    private final String mnemonic;
    private final Unit unit;
    private final List<Field> fields;
    private final String semantics;
    private final String cycles;
    private final Function<int[], Instruction> make;

    Opcode(int code, String mnemonic, Unit unit, List<Field> fields, String semantics, String cycles, Function<int[], Instruction> make) {
        this.code = code;
        this.mnemonic = mnemonic;
        this.unit = unit;
        this.fields = fields;
        this.semantics = semantics;
        this.cycles = cycles;
        this.make = make;
    }

    private static List<Field> spec(Field... f) {
        return List.of(f);
    }

    public int code() {
        return code;
    }

    public String mnemonic() {
        return mnemonic;
    }

    public Unit unit() {
        return unit;
    }

    public List<Field> fields() {
        return fields;
    }

    public String semantics() {
        return semantics;
    }

    public String cycles() {
        return cycles;
    }

    public static Opcode ofCode(int code) {
        return BY_CODE.get(code);
    }

    public static Opcode ofMnemonic(String m) {
        return BY_MNEMONIC.get(m);
    }

    /** Builds the instruction from operands in field order, checking each fits its field. */
    public Instruction make(int... operands) {
        if (operands.length != fields.size()) {
            throw new IsaException(mnemonic + " takes " + fields.size() + " operands, not " + operands.length);
        }
        for (int i = 0; i < operands.length; i++) {
            Field f = fields.get(i);
            if (!f.fits(operands[i])) {
                throw new IsaException(mnemonic + ": " + f.name() + "=" + operands[i] + " does not fit " + f.bits() + " "
                        + (f.signed() ? "signed" : "unsigned") + " bits [" + f.min() + ", " + f.max() + "]");
            }
        }
        return make.apply(operands);
    }

    /** Bits of the word the operands use (the opcode byte included). */
    public int usedBits() {
        return 8 + fields.stream().mapToInt(Field::bits).sum();
    }
}
