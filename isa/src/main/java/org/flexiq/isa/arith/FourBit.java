package org.flexiq.isa.arith;

/**
 * Signed 4-bit codes of 8-bit values. A 4-bit value v with shift p stands for v x 2^p; v keeps 3 magnitude
 * bits, so the shift that starts at the highest used bit of a magnitude m is bitLength(m) - 3. The paper's
 * example: 29 (max below 32, 2 unused high bits) -> shift 2 -> 7 -> 28, 3.4% error; naive top-4-bit
 * extraction (shift 4) gives 2 -> 32, 10.3%.
 */
public final class FourBit {
    public static final int MIN = -8;
    public static final int MAX = 7;

    private FourBit() {
    }

    /** The shift starting at the highest used bit of {@code maxMagnitude}: a max, or an OR of magnitudes (0..255). */
    public static int effectiveShift(int maxMagnitude) {
        return Math.max(0, IntArithmetic.bitLength(maxMagnitude) - 3);
    }

    /** round(x / 2^shift) saturated to [-8, 7]. */
    public static int lower(int x, int shift) {
        return IntArithmetic.saturate(IntArithmetic.roundShift(x, shift), MIN, MAX);
    }

    /** The value the 4-bit code stands for, in int8 units: lower(x, shift) x 2^shift. */
    public static int reconstruct(int x, int shift) {
        return lower(x, shift) << shift;
    }
}
