package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;

/**
 * Two 4-bit codes per byte, the first in the low nibble, as {@code mma.sync ... .s4} and {@code .u4} take their
 * operands (eight codes per 32-bit register, element 0 in bits 0-3): signed [-8, 7] or unsigned [0, 15].
 */
final class Int4Packing {
    private Int4Packing() {
    }

    static byte[] pack(int[] codes) {
        return pack(codes, FourBit.Codes.SIGNED);
    }

    static byte[] pack(int[] codes, FourBit.Codes range) {
        byte[] b = new byte[(codes.length + 1) / 2];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < range.min() || codes[i] > range.max()) {
                throw new IllegalArgumentException("code " + codes[i] + " at " + i + " is not a " + range.name().toLowerCase(java.util.Locale.ROOT)
                        + " 4-bit value");
            }
            b[i / 2] |= (byte) ((codes[i] & 0xf) << (4 * (i & 1)));
        }
        return b;
    }

    /** Code i of a packed array, sign-extended. */
    static int get(byte[] packed, int i) {
        return get(packed, i, FourBit.Codes.SIGNED);
    }

    /** Code i of a packed array of {@code range}'s codes: sign- or zero-extended. */
    static int get(byte[] packed, int i, FourBit.Codes range) {
        int nibble = (packed[i >> 1] >> (4 * (i & 1))) & 0xf;
        return range == FourBit.Codes.UNSIGNED ? nibble : (nibble << 28) >> 28;
    }
}
