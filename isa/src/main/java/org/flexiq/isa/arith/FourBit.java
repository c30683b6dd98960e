package org.flexiq.isa.arith;

/**
 * 4-bit codes of 8-bit values. A 4-bit value v with shift p stands for v x 2^p. Signed codes keep 3 magnitude
 * bits, so the shift that starts at the highest used bit of a magnitude m is bitLength(m) - 3. The paper's
 * example: 29 (max below 32, 2 unused high bits) -> shift 2 -> 7 -> 28, 3.4% error; naive top-4-bit
 * extraction (shift 4) gives 2 -> 32, 10.3%. The static methods are the signed codes'; {@link Codes} has both.
 */
public final class FourBit {
    public static final int MIN = -8;
    public static final int MAX = 7;

    /**
     * Signed codes in [-8, 7], or unsigned in [0, 15] for a tensor that is never negative (after a ReLU): there the
     * sign bit of a signed code is never used, and an unsigned code keeps 4 magnitude bits instead of 3. The PE's
     * 4-bit activation port takes either (a sign-mode bit, as mma's .s4 and .u4 operands); weights are always signed.
     */
    public enum Codes {
        SIGNED(MIN, MAX, 3), UNSIGNED(0, 15, 4);

        private final int min;
        private final int max;
        private final int magnitudeBits;

        Codes(int min, int max, int magnitudeBits) {
            this.min = min;
            this.max = max;
            this.magnitudeBits = magnitudeBits;
        }

        public int min() {
            return min;
        }

        public int max() {
            return max;
        }

        /** The shift starting at the highest used bit of {@code maxMagnitude}: a max, or an OR of magnitudes (0..255). */
        public int effectiveShift(int maxMagnitude) {
            return Math.max(0, IntArithmetic.bitLength(maxMagnitude) - magnitudeBits);
        }

        /** round(x / 2^shift) saturated to the codes' range. */
        public int lower(int x, int shift) {
            return IntArithmetic.saturate(IntArithmetic.roundShift(x, shift), min, max);
        }

        /** The value the 4-bit code stands for, in int8 units: lower(x, shift) x 2^shift. */
        public int reconstruct(int x, int shift) {
            return lower(x, shift) << shift;
        }
    }

    private FourBit() {
    }

    /** The shift starting at the highest used bit of {@code maxMagnitude}: a max, or an OR of magnitudes (0..255). */
    public static int effectiveShift(int maxMagnitude) {
        return Codes.SIGNED.effectiveShift(maxMagnitude);
    }

    /** round(x / 2^shift) saturated to [-8, 7]. */
    public static int lower(int x, int shift) {
        return Codes.SIGNED.lower(x, shift);
    }

    /** The value the 4-bit code stands for, in int8 units: lower(x, shift) x 2^shift. */
    public static int reconstruct(int x, int shift) {
        return Codes.SIGNED.reconstruct(x, shift);
    }
}
