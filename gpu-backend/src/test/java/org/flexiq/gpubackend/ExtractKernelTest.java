package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;

import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExtractKernelTest {
    @Test
    void aGroupsShiftIsItsHighestUsedBitAndItsCodesArePackedInKOrder() {
        // one position, channels stored as [8-bit, g0 a, g0 b]; K order puts group 0 (channels 1, 2) first
        byte[] x = {100, 37, -90};
        ExtractKernel.Extracted e = ExtractKernel.run(x, 1, new int[]{1, 2, 0}, 2, 2, 32, null, FourBit.Codes.SIGNED);
        // OR of |37| and |-90| = 0b1111111: 7 bits, shift 4; codes round(37 / 16) = 2, round(-90 / 16) = -6 (half away from zero)
        assertThat(e.shifts()).containsExactly((byte) 4);
        assertThat(Int4Packing.get(e.codes(), 0)).isEqualTo(2);
        assertThat(Int4Packing.get(e.codes(), 1)).isEqualTo(-6);
        assertThat(e.codes()).hasSize(16); // zero-padded to the 32-code slice
        assertThat(e.rest()).containsExactly((byte) 100);
        // a static table overrides the OR
        assertThat(ExtractKernel.run(x, 1, new int[]{1, 2, 0}, 2, 2, 64, new int[]{6}, FourBit.Codes.SIGNED).shifts()).containsExactly((byte) 6);
    }

    @Test
    void unsignedCodesKeepFourMagnitudeBits() {
        byte[] x = {100, 37, 90};
        ExtractKernel.Extracted e = ExtractKernel.run(x, 1, new int[]{1, 2, 0}, 2, 2, 32, null, FourBit.Codes.UNSIGNED);
        // OR of 37 and 90 = 0b1111111: 7 bits, shift 3 (signed: 4); codes round(37 / 8) = 5, round(90 / 8) = 11
        assertThat(e.shifts()).containsExactly((byte) 3);
        assertThat(Int4Packing.get(e.codes(), 0, FourBit.Codes.UNSIGNED)).isEqualTo(5);
        assertThat(Int4Packing.get(e.codes(), 1, FourBit.Codes.UNSIGNED)).isEqualTo(11);
    }

    @Test
    void im2colCopiesEachTapsPixelAndZerosThePadding() {
        // a 2x2 map, 3x3 kernel with padding 1: output pixel 0's first tap reads (-1, -1), its centre tap pixel 0
        byte[] x = new byte[4 * 2];
        for (int p = 0; p < 4; p++) {
            x[p * 2] = (byte) (10 * (p + 1));
            x[p * 2 + 1] = (byte) p;
        }
        ExtractKernel.Extracted e = ExtractKernel.run(x, 4, new int[]{0, 1}, 0, 2, 64, null, FourBit.Codes.SIGNED); // all 8-bit
        Im2colKernel.Rows r = Im2colKernel.run(e, new Conv2d(1, 3, 3, 1, 1, 1, 1, 1, 1, false), Shape.of(2, 2, 2), Shape.of(1, 2, 2), 4, 9, 32);
        assertThat(r.a8()[0]).isZero(); // tap 0 of row 0 is padding
        assertThat(r.a8()[4 * 2]).isEqualTo((byte) 10); // tap 4 (centre) of row 0 is pixel 0, channel 0
        assertThat(r.a8()[4 * 2 + 1]).isEqualTo((byte) 0);
        assertThat(r.a8()[32 + 4 * 2]).isEqualTo((byte) 20); // row 1's centre is pixel 1
    }

    /**
     * Another implementation of the extraction and im2col kernels (the GPU's, or the CUDA source on the CPU)
     * against the Java ones: 49 positions of 96 channels gathered in a scattered order, two 16-channel 4-bit
     * groups in 32-code slices and 64 8-bit channels, dynamic and static shifts, then a 3 x 3 stride-2 padded
     * convolution's rows.
     */
    static void extractionAndIm2colMatchJava(ActivationKernels other) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        byte[] x = new byte[49 * 96];
        for (int i = 0; i < x.length; i++) {
            x[i] = (byte) rnd.nextInt(-128, 128);
        }
        int[] chan = new int[96];
        for (int i = 0; i < 96; i++) {
            chan[i] = (i * 37) % 96;
        }
        for (int[] table : new int[][]{null, {1, 2}}) {
            ExtractKernel.Extracted want = ExtractKernel.run(x, 49, chan, 32, 16, 32, table, FourBit.Codes.SIGNED);
            ExtractKernel.Extracted got = other.extract(x, 49, chan, 32, 16, 32, table, FourBit.Codes.SIGNED);
            // unsigned codes (of the same bytes' magnitudes, as after a ReLU)
            byte[] relu = x.clone();
            for (int i = 0; i < relu.length; i++) {
                relu[i] = (byte) Math.max(0, relu[i]);
            }
            ExtractKernel.Extracted wantU = ExtractKernel.run(relu, 49, chan, 32, 16, 32, table, FourBit.Codes.UNSIGNED);
            ExtractKernel.Extracted gotU = other.extract(relu, 49, chan, 32, 16, 32, table, FourBit.Codes.UNSIGNED);
            assertThat(gotU.codes()).isEqualTo(wantU.codes());
            assertThat(gotU.shifts()).isEqualTo(wantU.shifts());
            assertThat(got.codes()).isEqualTo(want.codes());
            assertThat(got.shifts()).isEqualTo(want.shifts());
            assertThat(got.rest()).isEqualTo(want.rest());
            Conv2d conv = new Conv2d(8, 3, 3, 2, 2, 1, 1, 1, 1, false);
            Shape in = Shape.of(96, 7, 7);
            Shape out = Shape.of(8, 4, 4);
            int k8 = (9 * 64 + 31) / 32 * 32;
            Im2colKernel.Rows rw = Im2colKernel.run(want, conv, in, out, 16, 9, k8);
            Im2colKernel.Rows rg = other.im2col(want, conv, in, out, 16, k8);
            assertThat(rg.a4()).isEqualTo(rw.a4());
            assertThat(rg.ashift()).isEqualTo(rw.ashift());
            assertThat(rg.a8()).isEqualTo(rw.a8());
        }
    }
}
