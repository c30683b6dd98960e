package org.flexiq.isa.arith;

/**
 * A positive real multiplier in gemmlowp/TFLite form: M = multiplier x 2^(shift - 31), multiplier in
 * [2^30, 2^31). {@link #apply} computes round(x M), half away from zero, in 64-bit integer arithmetic.
 */
public record FixedPoint(int multiplier, int shift) {
    /** Multipliers below this are treated as zero (they round every int32 input to 0). */
    private static final double MIN = 0x1p-62;

    public FixedPoint {
        if (multiplier != 0 && multiplier < (1 << 30)) {
            throw new IllegalArgumentException("fixed-point multiplier " + multiplier + " is not normalized to [2^30, 2^31)");
        }
        if (shift < -64 || shift > 30) {
            throw new IllegalArgumentException("fixed-point shift " + shift + " is out of range [-64, 30]");
        }
    }

    public static FixedPoint of(double m) {
        if (!(m >= 0) || Double.isInfinite(m)) {
            throw new IllegalArgumentException("multiplier " + m + " is not a finite non-negative number");
        }
        if (m < MIN) {
            return new FixedPoint(0, 0);
        }
        int exp = Math.getExponent(m) + 1; // m = f x 2^exp, f in [0.5, 1)
        long q = Math.round(Math.scalb(m, 31 - exp));
        if (q == (1L << 31)) {
            q >>= 1;
            exp++;
        }
        if (exp > 30) {
            throw new IllegalArgumentException("multiplier " + m + " is too large for int32 fixed point");
        }
        return new FixedPoint((int) q, exp);
    }

    /** round(x M); |x| must stay below 2^32 so the product fits 64 bits. */
    public long apply(long x) {
        long p = x * multiplier;
        int right = 31 - shift;
        return right >= 0 ? IntArithmetic.roundShift(p, right) : p << -right;
    }

    public double value() {
        return Math.scalb((double) multiplier, shift - 31);
    }
}
