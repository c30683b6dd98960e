package org.flexiq.isa;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpuFileTest {

    @Test
    void roundTripsAndIsDeterministic() {
        NpuProgram p = AssemblerTest.sample();
        byte[] bytes = NpuFile.write(p);
        assertThat(NpuFile.write(p)).isEqualTo(bytes);
        assertThat(NpuFile.read("p.npu", bytes)).isEqualTo(p);
    }

    @Test
    void namedErrors() {
        byte[] bytes = NpuFile.write(AssemblerTest.sample());
        assertThatThrownBy(() -> NpuFile.read("p.npu", "hello world".getBytes())).hasMessage("p.npu: magic: not an NPU program (expected the bytes 'NPU1')");
        assertThatThrownBy(() -> NpuFile.read("p.npu", Arrays.copyOf(bytes, bytes.length - 9))).hasMessageStartingWith("p.npu: crc: ");
        byte[] v2 = bytes.clone();
        v2[4] = 2;
        fixCrc(v2);
        assertThatThrownBy(() -> NpuFile.read("p.npu", v2)).hasMessage("p.npu: version: 2 is not supported (this reader reads version 1)");
    }

    @Test
    void randomCorruptionNeverEscapesAsAnythingButAnIsaException() {
        byte[] good = NpuFile.write(AssemblerTest.sample());
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 3000; i++) {
            byte[] bad = rnd.nextBoolean() ? good.clone() : Arrays.copyOf(good, rnd.nextInt(good.length));
            for (int k = rnd.nextInt(1, 4); k > 0 && bad.length > 0; k--) {
                bad[rnd.nextInt(bad.length)] ^= (byte) rnd.nextInt(1, 256);
            }
            if (rnd.nextBoolean() && bad.length > 8) {
                fixCrc(bad); // get past the checksum so the structural checks are exercised
            }
            try {
                NpuFile.read("p.npu", bad);
            } catch (IsaException e) {
                assertThat(e.getMessage()).startsWith("p.npu: ");
            }
        }
    }

    private static void fixCrc(byte[] b) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, b.length - 4);
        int v = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            b[b.length - 4 + i] = (byte) (v >>> (8 * i));
        }
    }
}
