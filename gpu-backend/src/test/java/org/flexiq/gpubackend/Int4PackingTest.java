package org.flexiq.gpubackend;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Int4PackingTest {
    @Test
    void codesPackLowNibbleFirstAndSignExtend() {
        byte[] p = Int4Packing.pack(new int[]{-8, 7, -1, 0, 3});
        assertThat(p).containsExactly((byte) 0x78, (byte) 0x0f, (byte) 0x03);
        for (int i = 0; i < 5; i++) {
            assertThat(Int4Packing.get(p, i)).isEqualTo(new int[]{-8, 7, -1, 0, 3}[i]);
        }
        assertThatThrownBy(() -> Int4Packing.pack(new int[]{8})).hasMessageContaining("not a signed 4-bit value");
    }

    @Test
    void mmaFragmentsAreSixteenByEightProducts() {
        byte[] a = new byte[Mma.M * Mma.K8];
        byte[] b = new byte[Mma.N * Mma.K8];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) (i % 251 - 125);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i % 13 - 6);
        }
        int[] c = new int[Mma.M * Mma.N];
        c[5] = 1000;
        Mma.s8(a, b, c);
        int expected = 1000;
        for (int k = 0; k < Mma.K8; k++) {
            expected += a[0 * Mma.K8 + k] * b[5 * Mma.K8 + k];
        }
        assertThat(c[5]).isEqualTo(expected);
    }
}
