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
        Site s = new Site("x", 0, 4, List.of("c"), new int[]{120, 5, 60, 30}, new int[]{3, 1, 0, 2}, new int[0], null, null);
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.STATIC)).containsExactly(2, 4); // max 30 -> 2; max 120 -> 4
        assertThat(BitExtractor.staticShifts(s, 2, Extraction.NAIVE)).containsExactly(4, 4);
        // weights [O=1, C=4, taps=1]
        NodeQuant.Gemm w = new NodeQuant.Gemm(new byte[]{1, 2, 100, 9}, new int[1], new FixedPoint[]{FixedPoint.of(1)}, 1, 4, 1);
        assertThat(BitExtractor.weightShifts(w, s, 2, Extraction.STATIC)).containsExactly(1, 4); // {9, 2} -> 1; {1, 100} -> 4
    }
}
