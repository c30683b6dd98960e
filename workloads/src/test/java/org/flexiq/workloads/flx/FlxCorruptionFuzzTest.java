package org.flexiq.workloads.flx;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Thousands of corrupted files: each must be read or refused with our own one-line error, never anything
 * else. Byte-level corruption mostly meets the CRCs; header-text corruption recomputes the CRC so the JSON
 * parser and every validator behind it are exercised.
 */
class FlxCorruptionFuzzTest {
    private static final int CASES = 2500;

    @TempDir
    Path dir;
    byte[] valid;

    @BeforeEach
    void writeValidFile() throws IOException {
        Path f = dir.resolve("valid.flx");
        FlxWriter.write(f, FlxTestFiles.tinyResidualCnn());
        valid = Files.readAllBytes(f);
    }

    @Test
    void flippedAndTruncatedBytes() throws IOException {
        SplittableRandom rng = new SplittableRandom(2026);
        int refused = 0;
        for (int c = 0; c < CASES; c++) {
            byte[] b = valid.clone();
            switch (rng.nextInt(3)) {
                case 0 -> b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
                case 1 -> {
                    for (int k = 0; k < 8; k++) {
                        b[rng.nextInt(Math.min(b.length, 64))] = (byte) rng.nextInt(256);
                    }
                }
                default -> b = Arrays.copyOf(b, rng.nextInt(b.length));
            }
            refused += readOrRefuse(b, c) ? 0 : 1;
        }
        assertThat(refused).isGreaterThan(CASES / 2);
    }

    @Test
    void corruptedHeaderText() throws IOException {
        SplittableRandom rng = new SplittableRandom(17);
        String text = FlxTestFiles.headerText(valid);
        String alphabet = "{}[]\":,-0123456789eE.abcnulltrue \\";
        int refused = 0;
        for (int c = 0; c < CASES; c++) {
            StringBuilder s = new StringBuilder(text);
            int edits = 1 + rng.nextInt(3);
            for (int k = 0; k < edits; k++) {
                int at = rng.nextInt(s.length());
                switch (rng.nextInt(3)) {
                    case 0 -> s.setCharAt(at, alphabet.charAt(rng.nextInt(alphabet.length())));
                    case 1 -> s.deleteCharAt(at);
                    default -> s.insert(at, alphabet.charAt(rng.nextInt(alphabet.length())));
                }
            }
            refused += readOrRefuse(FlxTestFiles.withHeaderText(valid, s.toString()), c) ? 0 : 1;
        }
        assertThat(refused).isGreaterThan(CASES / 2);
    }

    /** No CRC covers the alignment padding, so every byte of it is checked to be zero: any flip there is refused. */
    @Test
    void everyPaddingByteIsCheckedToBeZero() throws IOException {
        int headerLen = java.nio.ByteBuffer.wrap(valid, 8, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        long dataStart = FlxFormat.align(FlxFormat.PREAMBLE_BYTES + headerLen);
        FlxFile f = FlxReader.read(dir.resolve("valid.flx"));
        java.util.BitSet covered = new java.util.BitSet(valid.length);
        covered.set(0, FlxFormat.PREAMBLE_BYTES + headerLen);
        for (FlxTensorEntry e : f.tensors()) {
            covered.set((int) (dataStart + e.offset()), (int) (dataStart + e.offset() + e.length()));
        }
        int padding = 0;
        for (int i = covered.nextClearBit(0); i < valid.length; i = covered.nextClearBit(i + 1)) {
            byte[] b = valid.clone();
            b[i] = 1;
            assertThat(readOrRefuse(b, i)).as("a 1 at padding offset %d", i).isFalse();
            padding++;
        }
        assertThat(padding).as("the test file has header and tensor padding").isGreaterThan(64);
        byte[] b = valid.clone();
        b[(int) dataStart - 1] = 7;
        if (FlxFormat.PREAMBLE_BYTES + headerLen < dataStart) {
            Path p = dir.resolve("pad.flx");
            Files.write(p, b);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> FlxReader.read(p)).hasMessageContaining("header padding")
                    .hasMessageContaining("found 0x07 at offset " + (dataStart - 1));
        }
    }

    /** True when the file was read; false when refused with a FlxFormatException; fails on anything else. */
    private boolean readOrRefuse(byte[] bytes, int c) throws IOException {
        Path f = dir.resolve("fuzz.flx");
        Files.write(f, bytes);
        try {
            FlxReader.read(f);
            return true;
        } catch (FlxFormatException e) {
            assertThat(e.getMessage()).as("case %d", c).startsWith(f.toString()).doesNotContain("\n");
            return false;
        } catch (Throwable t) {
            fail("case " + c + ": not a clear error but " + t, t);
            return false;
        }
    }
}
