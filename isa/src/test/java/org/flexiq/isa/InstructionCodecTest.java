package org.flexiq.isa;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstructionCodecTest {

    @Test
    void everyOpcodeFitsTheWordAndCodesAreDistinct() {
        for (Opcode op : Opcode.values()) {
            assertThat(op.usedBits()).as(op.mnemonic()).isLessThanOrEqualTo(Opcode.WORD_BYTES * 8);
            assertThat(Opcode.ofCode(op.code())).isSameAs(op);
            assertThat(Opcode.ofMnemonic(op.mnemonic())).isSameAs(op);
        }
    }

    @Test
    void fieldsArePackedLeastSignificantBitFirstAfterTheOpcodeByte() {
        byte[] w = InstructionCodec.encode(new Instruction.SetReg(3, -1));
        assertThat(w[0]).isEqualTo((byte) 0x30);
        // reg = 3 in bits 8..17, value = 0xffffffff in bits 18..49
        assertThat(w[1]).isEqualTo((byte) 0x03);
        assertThat(w[2] & 0xff).isEqualTo(0b1111_1100);
        assertThat(w[6] & 0xff).isEqualTo(0b0000_0011);
        assertThat(w[7]).isZero();
    }

    @Test
    void unknownOpcodeTruncationAndPaddingNameTheOffset() {
        byte[] code = InstructionCodec.encodeAll(List.of(new Instruction.Halt(), new Instruction.Fence(7)));
        code[32] = 0x7f;
        assertThatThrownBy(() -> InstructionCodec.decodeAll(code, 100)).hasMessage("offset 132: unknown opcode 0x7f");
        byte[] padded = InstructionCodec.encode(new Instruction.Fence(1));
        padded[31] = 1;
        assertThatThrownBy(() -> InstructionCodec.decode(padded, 0, 0)).hasMessageContaining("offset 0: fence has non-zero padding bits from bit 248");
        assertThatThrownBy(() -> InstructionCodec.decodeAll(new byte[40], 8)).hasMessageContaining("offset 40: code is 40 bytes, not a multiple of 32");
    }

    @Test
    void signedFieldsKeepTheirSign() {
        Instruction r = new Instruction.Requant(1, 2, 3, 4, 5, 6, 8, -128, 127);
        assertThat(InstructionCodec.decode(InstructionCodec.encode(r), 0, 0)).isEqualTo(r);
        Instruction c = new Instruction.ConfigConv(8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 1, -1);
        assertThat(InstructionCodec.decode(InstructionCodec.encode(c), 0, 0)).isEqualTo(c);
    }

    @Test
    void encodingRefusesOperandsOutsideTheirFields() {
        assertThatThrownBy(() -> InstructionCodec.encode(new Instruction.Preload(0, 70000, 4, 4, 0, 0)))
                .hasMessage("preload: rows=70000 does not fit 16 unsigned bits [0, 65535]");
        assertThatThrownBy(() -> InstructionCodec.encode(new Instruction.Mvin(-1, 0, 1, 1, 1, 1, 1)))
                .hasMessageContaining("mvin: dram=-1 does not fit 31 unsigned bits");
    }
}
