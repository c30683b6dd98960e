package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.FourBit;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BitExtractorTest {
    @Test
    void thePapersExample() {
        int shift = FourBit.effectiveShift(31); // a channel whose values stay below 32
        assertThat(shift).isEqualTo(2);
        int effective = FourBit.reconstruct(29, shift);
        int naive = FourBit.reconstruct(29, BitExtractor.NAIVE_SHIFT);
        assertThat(effective).isEqualTo(28);
        assertThat(naive).isEqualTo(32);
        assertThat(Math.abs(effective - 29) / 29.0).isLessThan(0.04);
        assertThat(Math.abs(naive - 29) / 29.0).isGreaterThan(0.10);
    }

    @Test
    void lowersWithRoundingAndSaturation() {
        assertThat(FourBit.lower(127, 4)).isEqualTo(7);     // 7.94 rounds to 8, saturates
        assertThat(FourBit.lower(-128, 4)).isEqualTo(-8);
        assertThat(FourBit.lower(-128, 5)).isEqualTo(-4);
        assertThat(FourBit.lower(6, 0)).isEqualTo(6);        // small channels keep every bit
        assertThat(FourBit.lower(-9, 0)).isEqualTo(-8);
        assertThat(FourBit.lower(-6, 2)).isEqualTo(-2);      // -1.5 rounds away from zero
        assertThat(FourBit.effectiveShift(0)).isZero();
        assertThat(FourBit.effectiveShift(7)).isZero();
        assertThat(FourBit.effectiveShift(8)).isEqualTo(1);
        assertThat(FourBit.effectiveShift(127)).isEqualTo(4);
        assertThat(FourBit.effectiveShift(128)).isEqualTo(5);
    }

    @Test
    void groupShiftsFollowTheOrder() {
        // 4 channels, G = 2; order puts channels 3 and 1 in group 0.
        Site s = new Site("x", 0, 4, List.of("c"), new int[]{120, 5, 60, 30}, new int[]{3, 1, 0, 2}, new int[0], null, null, null, FourBit.Codes.SIGNED);
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.STATIC)).containsExactly(2, 4); // max 30 -> 2; max 120 -> 4
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.NAIVE)).containsExactly(4, 4);
        // weights [O=1, C=4, taps=1]
        NodeQuant.Gemm w = new NodeQuant.Gemm(new byte[]{1, 2, 100, 9}, new int[1], new FixedPoint[]{FixedPoint.of(1)}, 1, 4, 1);
        assertThat(BitExtractor.weightShifts(w, s, 2, Extraction.STATIC)).containsExactly(1, 4); // {9, 2} -> 1; {1, 100} -> 4
    }

    @Test
    void mseShiftGivesUpAnOutlierToKeepTypicalValues() {
        // channel 0: 999 codes of 5 and one outlier of 120; channel 1: always 0. G = 2, one group.
        long[][] h = new long[2][256];
        h[0][128 + 5] = 999;
        h[0][128 + 120] = 1;
        h[1][128] = 1000;
        ShiftProfile p = ShiftProfile.of(h, FourBit.Codes.SIGNED);
        // E[(x - reconstruct(x, p))^2], worked by hand: p = 2 maps 5 -> 4 (error 1) and saturates 120 -> 28 (error 92^2)
        assertThat(p.error(0, 0)).isCloseTo((113 * 113) / 1000f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(p.error(0, 2)).isCloseTo((999 + 92 * 92) / 1000f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(p.error(0, 4)).isCloseTo((999 * 25 + 64) / 1000f, org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(p.meanSquare()[0]).isCloseTo((999 * 25 + 14400) / 1000f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(p.meanSquare()[1]).isZero();
        Site s = new Site("x", 0, 2, List.of("c"), new int[]{120, 0}, new int[]{0, 1}, new int[0], null, null, p, FourBit.Codes.SIGNED);
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.STATIC)).containsExactly(2);
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.STATIC_MAX)).containsExactly(4); // the highest bit of 120
        assertThat(BitExtractor.staticShifts(s.withProfile(null), 2, Extraction.STATIC)).containsExactly(4); // old files: max rule
    }

    @Test
    void mseWeightShiftFollowsTheActivationsThatMultiplyIt() {
        // weights {100, 9}: channel 0 is never active (mean square 0), channel 1 has mean square 100.
        Site s = new Site("x", 0, 2, List.of("c"), new int[]{0, 30}, new int[]{0, 1}, new int[0], null, null,
                new ShiftProfile(new float[2 * ShiftProfile.SHIFTS], new float[]{0, 100}), FourBit.Codes.SIGNED);
        NodeQuant.Gemm w = new NodeQuant.Gemm(new byte[]{100, 9}, new int[1], new FixedPoint[]{FixedPoint.of(1)}, 1, 2, 1);
        // by hand, squared errors weighted by (mean square + 0.001): p = 3 gives 44^2 * 0.001 + 1 * 100.001 = 101.9, the least;
        // the max rule (p = 4) turns 9 into 16: 0.016 + 49 * 100.001
        assertThat(BitExtractor.weightShifts(w, s, 2, Extraction.STATIC)).containsExactly(3);
        assertThat(BitExtractor.weightShifts(w, s, 2, Extraction.DYNAMIC)).containsExactly(3);
        assertThat(BitExtractor.weightShifts(w, s, 2, Extraction.STATIC_MAX)).containsExactly(4);
        assertThat(BitExtractor.weightShifts(w, s, 2, Extraction.NAIVE)).containsExactly(4);
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.STATIC)).as("all errors tie: the max rule's shift").containsExactly(2);
    }

    @Test
    void judgedShiftsAreStaticExtractionsOnly() {
        // 4 channels, G = 2, groups {3, 1} and {0, 2}; judged shifts per channel: 1 for group 0, 3 for group 1
        // both groups 4-bit at the one stored ratio
        Site s = new Site("x", 0, 4, List.of("c"), new int[]{120, 5, 60, 30}, new int[]{3, 1, 0, 2}, new int[]{4}, null, null, null,
                FourBit.Codes.SIGNED).withJudgedShift(new int[]{3, 1, 3, 1});
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.STATIC)).containsExactly(1, 3);
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.STATIC_MAX)).containsExactly(2, 4); // the max rule, as before
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.NAIVE)).containsExactly(4, 4);
        // the shifts belong to channels, so they follow them into another order
        assertThat(BitExtractor.staticShifts(s.withSelection(new int[]{0, 2, 3, 1}, new int[]{4}), 2, Extraction.STATIC)).containsExactly(3, 1);
        // a group never 4-bit (group 1 here) follows the profile's rule (no profile: the max rule)
        assertThat(BitExtractor.staticShifts(s.withSelection(new int[]{3, 1, 0, 2}, new int[]{2}), 2, Extraction.STATIC)).containsExactly(1, 4);
        // a 4-bit group whose channels disagree has no one shift
        Site mixed = s.withSelection(new int[]{0, 1, 2, 3}, new int[]{2});
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> BitExtractor.staticShifts(mixed, 2, Extraction.STATIC)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x: 4-bit group 0 holds channels of different judged shifts (3 and 1)");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> s.withJudgedShift(new int[]{5, 5, 1, 1})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a judged shift of 5, expected 0..4");
    }

    @Test
    void profileFollowsTheChannelPermutation() {
        ShiftProfile p = new ShiftProfile(new float[]{0, 1, 2, 3, 4, 10, 11, 12, 13, 14}, new float[]{5, 50});
        ShiftProfile q = p.permuted(new int[]{1, 0});
        assertThat(q.error(0, 3)).isEqualTo(13);
        assertThat(q.error(1, 3)).isEqualTo(3);
        assertThat(q.meanSquare()).containsExactly(50, 5);
        assertThat(Extraction.parse("static-max")).isEqualTo(Extraction.STATIC_MAX);
        assertThat(Extraction.STATIC_MAX.id()).isEqualTo("static-max");
    }
}
