package org.flexiq.isa;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Random instructions (seeded; field edges drawn often) through every representation. */
class InstructionProperties {
    private static final int CASES = 20_000;

    static Instruction random(SplittableRandom rnd) {
        Opcode op = Opcode.values()[rnd.nextInt(Opcode.values().length)];
        int[] v = new int[op.fields().size()];
        for (int i = 0; i < v.length; i++) {
            Field f = op.fields().get(i);
            // Edges (min, max, 0, +-1) are where packing and sign extension go wrong, so a third of draws are edges.
            v[i] = (int) switch (rnd.nextInt(9)) {
                case 0 -> f.min();
                case 1 -> f.max();
                case 2 -> 0;
                case 3 -> Math.min(f.max(), 1);
                case 4 -> Math.max(f.min(), -1);
                default -> rnd.nextLong(f.min(), f.max() + 1);
            };
        }
        return op.make(v);
    }

    @Test
    void binaryRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < CASES; i++) {
            Instruction insn = random(rnd);
            byte[] word = InstructionCodec.encode(insn);
            assertThat(word).hasSize(Opcode.WORD_BYTES);
            assertThat(InstructionCodec.decode(word, 0, 0)).as(insn.toString()).isEqualTo(insn);
        }
    }

    @Test
    void assemblyRoundTrip() {
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < CASES; i++) {
            Instruction insn = random(rnd);
            assertThat(Assembler.instruction(Disassembler.format(insn))).as(insn.toString()).isEqualTo(insn);
        }
    }

    @Test
    void corruptedWordsAreRejectedWithTheirOffsetOrDecodeToWhatTheyEncode() {
        SplittableRandom rnd = new SplittableRandom(3);
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] word = InstructionCodec.encode(random(rnd));
            word[rnd.nextInt(word.length)] ^= (byte) rnd.nextInt(1, 256);
            try {
                Instruction other = InstructionCodec.decode(word, 0, 64);
                // Whatever decodes must encode to the same bytes: no bit was silently dropped.
                assertThat(InstructionCodec.encode(other)).isEqualTo(word);
            } catch (IsaException e) {
                assertThat(e.getMessage()).startsWith("offset 64: ");
                rejected++;
            }
        }
        assertThat(rejected).as("flips into padding or the opcode byte are caught").isGreaterThan(CASES / 4);
    }

    @Test
    void operandsOneBeyondTheirFieldAreRefused() {
        for (Opcode op : Opcode.values()) {
            for (int i = 0; i < op.fields().size(); i++) {
                Field f = op.fields().get(i);
                for (long bad : new long[]{f.max() + 1, f.min() - 1}) {
                    if (bad < Integer.MIN_VALUE || bad > Integer.MAX_VALUE) {
                        continue; // a 32-bit field: no int lies outside it
                    }
                    int[] v = new int[op.fields().size()];
                    v[i] = (int) bad;
                    assertThatThrownBy(() -> op.make(v)).isInstanceOf(IsaException.class)
                            .hasMessageStartingWith(op.mnemonic() + ": " + f.name() + "=" + bad + " does not fit");
                }
            }
        }
    }
}
