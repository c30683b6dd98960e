package org.flexiq.gpubackend;

/**
 * Two signed 4-bit codes per byte, the first in the low nibble, as {@code mma.sync ... .s4} takes its
 * operands (eight codes per 32-bit register, element 0 in bits 0-3).
 */
final class Int4Packing {
    private Int4Packing() {
    }

    static byte[] pack(int[] codes) {
        byte[] b = new byte[(codes.length + 1) / 2];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] < -8 || codes[i] > 7) {
                throw new IllegalArgumentException("code " + codes[i] + " at " + i + " is not a signed 4-bit value");
            }
            b[i / 2] |= (byte) ((codes[i] & 0xf) << (4 * (i & 1)));
        }
        return b;
    }

    /** Code i of a packed array, sign-extended. */
    static int get(byte[] packed, int i) {
        int nibble = (packed[i >> 1] >> (4 * (i & 1))) & 0xf;
        return (nibble << 28) >> 28;
    }
}
