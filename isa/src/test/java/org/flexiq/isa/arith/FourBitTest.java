package org.flexiq.isa.arith;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FourBitTest {
    @Test
    void signedCodesKeepThreeMagnitudeBitsAndUnsignedFour() {
        // the paper's example: 29 starts at bit 4, so signed codes shift by 2 (7 x 4 = 28), unsigned by 1 (15 x 2 = 30)
        assertThat(FourBit.Codes.SIGNED.effectiveShift(29)).isEqualTo(2);
        assertThat(FourBit.Codes.SIGNED.reconstruct(29, 2)).isEqualTo(28);
        assertThat(FourBit.Codes.UNSIGNED.effectiveShift(29)).isEqualTo(1);
        assertThat(FourBit.Codes.UNSIGNED.reconstruct(29, 1)).isEqualTo(30);
        assertThat(FourBit.Codes.UNSIGNED.effectiveShift(15)).isZero();
        assertThat(FourBit.Codes.UNSIGNED.effectiveShift(127)).isEqualTo(3);
        assertThat(FourBit.Codes.SIGNED.effectiveShift(127)).isEqualTo(4);
        // the static methods are the signed codes'
        assertThat(FourBit.reconstruct(-29, 2)).isEqualTo(FourBit.Codes.SIGNED.reconstruct(-29, 2)).isEqualTo(-28);
    }

    @Test
    void everyCodeIsInItsRangeAndEveryNonNegativeValueLosesLessUnsigned() {
        for (int p = 0; p < 8; p++) {
            for (int v = -128; v < 128; v++) {
                int s = FourBit.Codes.SIGNED.lower(v, p);
                int u = FourBit.Codes.UNSIGNED.lower(v, p);
                assertThat(s).isBetween(-8, 7);
                assertThat(u).isBetween(0, 15);
                assertThat(u).as("negatives saturate to 0").isEqualTo(v < 0 ? 0 : Math.min(15, IntArithmetic.roundShift(v, p)));
                if (v >= 0) {
                    assertThat(Math.abs(v - FourBit.Codes.UNSIGNED.reconstruct(v, p))).as("v %d shift %d", v, p)
                            .isLessThanOrEqualTo(Math.abs(v - FourBit.Codes.SIGNED.reconstruct(v, p)));
                }
            }
        }
        // at its own effective shift a magnitude m is within one step of its code's value (half a step, but for the
        // top of the range, which saturates: 63 -> 15 x 4), and 0 exactly below 16
        for (int m = 0; m < 128; m++) {
            int p = FourBit.Codes.UNSIGNED.effectiveShift(m);
            assertThat(Math.abs(m - FourBit.Codes.UNSIGNED.reconstruct(m, p))).as("m %d", m).isLessThan(Math.max(1, 1 << p));
        }
    }
}
