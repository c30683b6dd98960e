package org.flexiq.isa.arith;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class FixedPointTest {
    @Test
    void roundsHalfAwayFromZero() {
        assertThat(IntArithmetic.roundShift(5, 1)).isEqualTo(3);   // 2.5 -> 3
        assertThat(IntArithmetic.roundShift(-5, 1)).isEqualTo(-3); // -2.5 -> -3
        assertThat(IntArithmetic.roundShift(-4, 1)).isEqualTo(-2);
        assertThat(IntArithmetic.roundShift(7, 2)).isEqualTo(2);   // 1.75
        assertThat(IntArithmetic.roundDiv(7, 2)).isEqualTo(4);
        assertThat(IntArithmetic.roundDiv(-7, 2)).isEqualTo(-4);
        assertThat(IntArithmetic.roundDiv(-5, 3)).isEqualTo(-2);
    }

    @Test
    void roundShiftIsTheBranchingDefinitionBitForBit() {
        SplittableRandom r = new SplittableRandom(7);
        long[] edges = {0, 1, -1, 2, -2, 3, -3, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, 1L << 62, -(1L << 62)};
        for (int s = 0; s < 70; s++) {
            for (long v : edges) {
                assertThat(IntArithmetic.roundShift(v, s)).as(v + " >> " + s).isEqualTo(branching(v, s));
            }
            for (int i = 0; i < 2000; i++) {
                long v = i % 2 == 0 ? r.nextLong() : r.nextLong(-(1L << 40), 1L << 40);
                assertThat(IntArithmetic.roundShift(v, s)).as(v + " >> " + s).isEqualTo(branching(v, s));
            }
        }
    }

    /** round(v / 2^s) half away from zero as first written, with a branch on the sign (wrapping alike at Long.MIN_VALUE). */
    private static long branching(long v, int s) {
        if (s <= 0) {
            return v;
        }
        if (s >= 63) {
            return 0;
        }
        long half = 1L << (s - 1);
        return v >= 0 ? (v + half) >> s : -((-v + half) >> s);
    }

    @Test
    void halfIsExactlyRepresented() {
        FixedPoint half = FixedPoint.of(0.5);
        assertThat(half.multiplier()).isEqualTo(1 << 30);
        assertThat(half.shift()).isEqualTo(0);
        assertThat(half.apply(3)).isEqualTo(2);   // 1.5 -> 2
        assertThat(half.apply(-3)).isEqualTo(-2);
        assertThat(FixedPoint.of(4.0).apply(-7)).isEqualTo(-28);
    }

    @Test
    void matchesRealArithmeticWithinHalfAUnit() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20000; i++) {
            double m = Math.exp(r.nextDouble(-20, 3));
            long x = r.nextLong(-(1L << 31), 1L << 31);
            FixedPoint f = FixedPoint.of(m);
            assertThat(Math.abs(f.value() / m - 1)).isLessThan(1e-9);
            double exact = x * f.value();
            assertThat((double) Math.abs(f.apply(x) - exact)).isLessThanOrEqualTo(0.5 + 1e-6);
        }
    }

    @Test
    void integerSquareRootIsExact() {
        assertThat(IntArithmetic.isqrt(0)).isZero();
        assertThat(IntArithmetic.isqrt(15)).isEqualTo(3);
        assertThat(IntArithmetic.isqrt(16)).isEqualTo(4);
        long big = 3037000499L;
        assertThat(IntArithmetic.isqrt(big * big)).isEqualTo(big);
        assertThat(IntArithmetic.isqrt(big * big - 1)).isEqualTo(big - 1);
        assertThat(IntArithmetic.bitLength(29)).isEqualTo(5);
        assertThat(IntArithmetic.bitLength(0)).isZero();
    }
}
