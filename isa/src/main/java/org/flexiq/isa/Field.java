package org.flexiq.isa;

/**
 * One operand of an instruction: its assembly name, its width in the binary word, whether it is signed
 * (two's complement), and what it means.
 */
public record Field(String name, int bits, boolean signed, String meaning) {
    public Field {
        if (bits < 1 || bits > 32) {
            throw new IllegalArgumentException("field " + name + ": width " + bits + " is not in 1..32");
        }
    }

    static Field u(String name, int bits, String meaning) {
        return new Field(name, bits, false, meaning);
    }

    static Field s(String name, int bits, String meaning) {
        return new Field(name, bits, true, meaning);
    }

    public long min() {
        return signed ? -(1L << (bits - 1)) : 0;
    }

    public long max() {
        return signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    }

    public boolean fits(long v) {
        return v >= min() && v <= max();
    }
}
