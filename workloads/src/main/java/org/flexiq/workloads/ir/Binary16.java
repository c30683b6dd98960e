package org.flexiq.workloads.ir;

/** IEEE 754 binary16 (float16) conversions; Java 17 has no Float.float16ToFloat or Float.floatToFloat16. */
public final class Binary16 {
    private Binary16() {
    }

    /** The float a binary16 bit pattern holds (exact: every binary16 is a float). */
    public static float toFloat(int h) {
        int sign = (h >>> 15 & 1) << 31;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** The binary16 nearest {@code f} (ties to even; past 65504 to infinity; NaN stays NaN). */
    public static int fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) {
            return sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0);
        }
        int e = exp - 127 + 15;
        if (e >= 0x1f) {
            return sign | 0x7c00;
        }
        if (e <= 0) {
            // subnormal (or zero): the significand with its hidden bit, shifted to units of 2^-24, rounded
            if (e < -10) {
                return sign;
            }
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || rest == mid && (half & 1) != 0) {
                half++;
            }
            return sign | half;
        }
        int h = sign | (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || rest == 0x1000 && (h & 1) != 0) {
            h++; // a carry into the exponent is the right rounding too, up to infinity
        }
        return h;
    }

    /** {@code f} rounded to the nearest binary16, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
