package org.flexiq.isa.arith;

/**
 * The integer primitives of the numeric contract (DESIGN.md): rounding is half away from zero everywhere,
 * and narrowing saturates. Every integer path (golden executor, simulator, GPU emulation) uses these.
 */
public final class IntArithmetic {
    private IntArithmetic() {
    }

    /** round(v / 2^s), half away from zero; s >= 0. Shifts of 63 or more give 0 for |v| < 2^62. */
    public static long roundShift(long v, int s) {
        if (s <= 0) {
            return v;
        }
        if (s >= 63) {
            return 0;
        }
        long half = 1L << (s - 1);
        // v >= 0 ? (v + half) >> s : -((-v + half) >> s), without the branch: the sign of a product is random from one
        // output to the next, and a mispredicted branch per requantized output cost more than the arithmetic
        long sign = v >> 63;
        long r = (((v ^ sign) - sign) + half) >> s;
        return (r ^ sign) - sign;
    }

    /** round(n / d), half away from zero; d > 0. */
    public static long roundDiv(long n, long d) {
        return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
    }

    public static int saturate(long v, int min, int max) {
        return (int) Math.max(min, Math.min(max, v));
    }

    public static byte saturateInt8(long v) {
        return (byte) saturate(v, -128, 127);
    }

    /** floor(sqrt(v)) for v >= 0, exactly. */
    public static long isqrt(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("isqrt of negative " + v);
        }
        long r = (long) Math.sqrt((double) v);
        // Compare by division: squaring r + 1 overflows near 2^63.
        while (r > 0 && r > v / r) {
            r--;
        }
        while (r + 1 <= v / (r + 1)) {
            r++;
        }
        return r;
    }

    /** The number of bits needed for magnitude m >= 0: 0 for 0, 5 for 29, 7 for 127, 8 for 128. */
    public static int bitLength(int m) {
        return 32 - Integer.numberOfLeadingZeros(m);
    }
}
