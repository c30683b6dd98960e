package org.flexiq.isa;

import java.util.ArrayList;
import java.util.List;

/**
 * The fixed-width binary form: 32 bytes per instruction, byte 0 the opcode, then the fields in table
 * order packed from bit 8 upward, least significant bit first (the 256-bit word is little-endian). Unused
 * high bits are zero; a decoder rejects a word whose padding is not.
 */
public final class InstructionCodec {
    private InstructionCodec() {
    }

    public static byte[] encode(Instruction insn) {
        byte[] out = new byte[Opcode.WORD_BYTES];
        encode(insn, out, 0);
        return out;
    }

    public static void encode(Instruction insn, byte[] out, int offset) {
        Opcode op = insn.opcode();
        int[] v = insn.operands();
        op.make(v); // checks every operand fits its field
        long[] word = new long[4];
        word[0] = op.code();
        int bit = 8;
        for (int i = 0; i < v.length; i++) {
            Field f = op.fields().get(i);
            long raw = v[i] & ((1L << f.bits()) - 1);
            put(word, bit, f.bits(), raw);
            bit += f.bits();
        }
        for (int i = 0; i < Opcode.WORD_BYTES; i++) {
            out[offset + i] = (byte) (word[i / 8] >>> (8 * (i % 8)));
        }
    }

    public static byte[] encodeAll(List<Instruction> code) {
        byte[] out = new byte[code.size() * Opcode.WORD_BYTES];
        for (int i = 0; i < code.size(); i++) {
            encode(code.get(i), out, i * Opcode.WORD_BYTES);
        }
        return out;
    }

    /** Decodes the word at {@code offset}; errors name the byte offset, {@code base} added (a file's code section). */
    public static Instruction decode(byte[] in, int offset, long base) {
        if (offset < 0 || offset + Opcode.WORD_BYTES > in.length) {
            throw new IsaException("offset " + (base + offset) + ": truncated instruction (" + Math.max(0, in.length - offset)
                    + " of " + Opcode.WORD_BYTES + " bytes)");
        }
        long[] word = new long[4];
        for (int i = 0; i < Opcode.WORD_BYTES; i++) {
            word[i / 8] |= (in[offset + i] & 0xffL) << (8 * (i % 8));
        }
        int code = (int) (word[0] & 0xff);
        Opcode op = Opcode.ofCode(code);
        if (op == null) {
            throw new IsaException("offset " + (base + offset) + ": unknown opcode 0x" + Integer.toHexString(code));
        }
        int[] v = new int[op.fields().size()];
        int bit = 8;
        for (int i = 0; i < v.length; i++) {
            Field f = op.fields().get(i);
            long raw = get(word, bit, f.bits());
            v[i] = (int) (f.signed() && (raw >>> (f.bits() - 1)) != 0 ? raw - (1L << f.bits()) : raw);
            bit += f.bits();
        }
        for (; bit < 256; bit++) {
            if (get(word, bit, 1) != 0) {
                throw new IsaException("offset " + (base + offset) + ": " + op.mnemonic() + " has non-zero padding bits from bit " + bit);
            }
        }
        return op.make(v);
    }

    public static List<Instruction> decodeAll(byte[] in, long base) {
        if (in.length % Opcode.WORD_BYTES != 0) {
            throw new IsaException("offset " + (base + in.length - in.length % Opcode.WORD_BYTES) + ": code is "
                    + in.length + " bytes, not a multiple of " + Opcode.WORD_BYTES);
        }
        List<Instruction> out = new ArrayList<>(in.length / Opcode.WORD_BYTES);
        for (int off = 0; off < in.length; off += Opcode.WORD_BYTES) {
            out.add(decode(in, off, base));
        }
        return out;
    }

    private static void put(long[] word, int bit, int bits, long value) {
        for (int i = 0; i < bits; i++) {
            if ((value >>> i & 1) != 0) {
                int b = bit + i;
                word[b >>> 6] |= 1L << (b & 63);
            }
        }
    }

    private static long get(long[] word, int bit, int bits) {
        long v = 0;
        for (int i = 0; i < bits; i++) {
            int b = bit + i;
            v |= (word[b >>> 6] >>> (b & 63) & 1L) << i;
        }
        return v;
    }
}
