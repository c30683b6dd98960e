package org.flexiq.isa;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AssemblerTest {

    static NpuProgram sample() {
        byte[] data = new byte[150];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        return new NpuProgram(new Target(4, 8, 4096, 64),
                List.of(new Instruction.Layer(0), new Instruction.SetReg(2, 16),
                        new Instruction.Mvin(0, 0, 4, 16, 16, 1, 16), new Instruction.Requant(0, 64, 4, 8, 8, 128, 8, 0, 127),
                        new Instruction.Layer(1), new Instruction.Fence(7), new Instruction.Halt()),
                List.of("conv \"1\"", "fc"), List.of(new RegisterProfile("0", Map.of(2, 0)), new RegisterProfile("0.5", Map.of(2, 16, 3, 8))),
                List.of(new IoTensor("image", IoTensor.Role.INPUT, false, 200, new int[]{1, 4, 4}, new int[]{16, 4, 1}),
                        new IoTensor("ids", IoTensor.Role.INPUT, true, 300, new int[]{3}, new int[]{4}),
                        new IoTensor("logits", IoTensor.Role.OUTPUT, false, 400, new int[]{10}, new int[]{1})),
                data, 1024);
    }

    @Test
    void aProgramSurvivesDisassemblyAndAssembly() {
        NpuProgram p = sample();
        String text = Disassembler.program(p, true);
        assertThat(text).contains("layer id=0  ; conv \"1\"").contains(".profile \"0.5\" r2=16 r3=8").contains(".tensor input \"ids\" i32");
        assertThat(Assembler.program("p.s", text)).isEqualTo(p);
    }

    @Test
    void withoutDataTheImageIsLeftOutAndSaidSo() {
        String text = Disassembler.program(sample(), false);
        assertThat(text).contains("; DRAM image of 150 bytes left out").doesNotContain(".data");
        assertThat(Assembler.program("p.s", text).data()).isEmpty();
    }

    @Test
    void omittedFieldsAreZeroAndHexIsAccepted() {
        assertThat(Assembler.instruction("mvin dram=0x10 rows=2 ; a comment")).isEqualTo(new Instruction.Mvin(16, 0, 2, 0, 0, 0, 0));
    }

    @Test
    void errorsNameTheLineAndWhatWasExpected() {
        String ok = ".target rows=4 cols=4 sp=1024 acc=16\n.dram bytes=64\n";
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "mvim dram=0\n")).hasMessage("p.s: line 3: unknown mnemonic 'mvim'");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "halt\nmvin rows=65536\n"))
                .hasMessage("p.s: line 4: rows=65536 does not fit 16 unsigned bits [0, 65535]");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "mvin bogus=1\n")).hasMessageStartingWith("p.s: line 3: mvin has no field 'bogus'");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "mvin rows\n")).hasMessage("p.s: line 3: expected name=value, found 'rows'");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "mvin rows=x1\n")).hasMessage("p.s: line 3: rows: 'x1' is not a number");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".layer 1 \"a\"\n")).hasMessage("p.s: line 3: layer id 1 out of order (expected 0)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".layer 0 \"a\n")).hasMessage("p.s: line 3: unterminated string");
        assertThatThrownBy(() -> Assembler.program("p.s", ".dram bytes=64\nhalt\n")).hasMessage("p.s: missing .target line");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".data 4 00\n")).hasMessage("p.s: line 3: data offset 4 is not where the image ends (0)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".wat\n")).hasMessage("p.s: line 3: unknown directive .wat");
    }

    @Test
    void programsThatCannotRunOnTheirTargetAreRefusedNamingTheLine() {
        String ok = ".target rows=4 cols=4 sp=1024 acc=16\n.dram bytes=64\n";
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".target rows=4 cols=4 sp=1024 acc=16\n"))
                .hasMessage("p.s: line 3: a second .target (the first is on line 1)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".dram bytes=32\n")).hasMessage("p.s: line 3: a second .dram (the first is on line 2)");
        // found by sim fuzz (10^5 cases, seeds 101 and 102): the target's own checks, placed at its line
        assertThatThrownBy(() -> Assembler.program("p.s", ".target rows=-2147483648 cols=16 sp=1024 acc=16\n"))
                .hasMessage("p.s: line 1: .target: array -2147483648x16 is not within 1x1 .. 4096x4096");
        assertThatThrownBy(() -> Assembler.program("p.s", ".target rows=4 cols=4 sp=0 acc=16\n"))
                .hasMessage("p.s: line 1: .target: scratchpad bytes and accumulator rows must be positive");
        // 4 rows of 16 bytes, 300 apart, from 100: the last byte is 100 + 900 + 16 - 1 = 1015, inside; from 200 it is past 1024
        assertThat(Assembler.program("p.s", ok + "mvin dram=0 sp=100 rows=4 cols=16 dstride=16 estride=1 spstride=300\n").code()).hasSize(1);
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "halt\nmvin dram=0 sp=200 rows=4 cols=16 dstride=16 estride=1 spstride=300\n"))
                .hasMessage("p.s: line 4: mvin: scratchpad bytes [200, 1116) pass its end (1024 bytes)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "mvout sp=0 dram=60 rows=1 cols=8 estride=1\n"))
                .hasMessage("p.s: line 3: mvout: DRAM bytes [60, 68) pass its end (64 bytes)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "requant acc=12 sp=0 rows=8 cols=4 spstride=4\n"))
                .hasMessage("p.s: line 3: requant: accumulator rows [12, 20) pass its 16 rows");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "loop.ws n=8 g=4\n")).hasMessage("p.s: line 3: loop.ws: 8 columns, wider than the array's 4");
        // 9 taps x 16 channels of weight rows, 4 bytes each, 8 apart from 0: the last byte is 143 x 8 + 4 - 1 = 1147
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "loop.ws w=0 wstride=8 n=4 k=16 taps=9 g=4\n"))
                .hasMessage("p.s: line 3: loop.ws: scratchpad (weights) bytes [0, 1148) pass its end (1024 bytes)");
        // g=0 runs only where no profile gives the loop 4-bit channels
        String loop = "loop.ws n=4 k=8 taps=1 g=0 mreg=2\n";
        assertThat(Assembler.program("p.s", ok + ".profile \"0\" r2=0\n" + loop).code()).hasSize(1);
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".profile \"0\" r2=0\n.profile \"1\" r2=8\n" + loop))
                .hasMessage("p.s: line 5: loop.ws: g=0, but register r2 can hold 4-bit channels (a group width must be at least 1)");
    }

    /** The vector ops' operands and tables, and the matrix unit's preloads, are checked as the executors check them. */
    @Test
    void vectorOperandsAndTablesPastTheScratchpadAreRefused() {
        String ok = ".target rows=4 cols=4 sp=1024 acc=16\n.dram bytes=64\n";
        assertThat(Assembler.program("p.s", ok + "lut src=0 dst=512 rows=4 cols=16 srcstride=16 dststride=16 table=768\n").code()).hasSize(1);
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "lut src=0 dst=512 rows=4 cols=16 srcstride=16 dststride=16 table=800\n"))
                .hasMessage("p.s: line 3: lut: scratchpad (table) bytes [800, 1056) pass its end (1024 bytes)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "add a=0 b=0 dst=1000 rows=2 cols=16 astride=16 dststride=16\n"))
                .hasMessage("p.s: line 3: add: scratchpad bytes [1000, 1032) pass its end (1024 bytes)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "gather src=0 dst=0 rows=1 cols=16 table=1000\n"))
                .hasMessage("p.s: line 3: gather: scratchpad (table) bytes [1000, 1032) pass its end (1024 bytes)");
        // 256 int32 exponentials: from 0 they fill the scratchpad exactly, from 8 they pass it
        assertThat(Assembler.program("p.s", ok + "softmax src=0 dst=0 rows=1 cols=8 table=0\n").code()).hasSize(1);
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "softmax src=0 dst=0 rows=1 cols=8 table=8\n"))
                .hasMessage("p.s: line 3: softmax: scratchpad (table) bytes [8, 1032) pass its end (1024 bytes)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "layernorm src=0 dst=0 rows=1 cols=120 params=64\n"))
                .hasMessage("p.s: line 3: layernorm: scratchpad (params) bytes [64, 1032) pass its end (1024 bytes)");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "preload sp=1000 rows=4 cols=4 stride=8\n"))
                .hasMessage("p.s: line 3: preload: scratchpad (weights) bytes [1000, 1028) pass its end (1024 bytes)");
        // what `sim fuzz` found: a negative DRAM size, and a tensor whose shape and strides disagree, were refused without their line
        assertThatThrownBy(() -> Assembler.program("p.s", ".target rows=4 cols=4 sp=1024 acc=16\n.dram bytes=-1\n"))
                .hasMessage("p.s: line 2: .dram bytes: expected a size of at least 0, got -1");
        assertThatThrownBy(() -> Assembler.program("p.s", ok + ".tensor input \"x\" i8 dram=0 shape=1,2,3 strides=1\n"))
                .hasMessage("p.s: line 3: tensor x: shape has 3 dims but strides 1");
        // dwconv's weights follow the window of the last config.conv: 3x3 taps of 16 channels
        assertThatThrownBy(() -> Assembler.program("p.s", ok + "config.conv kh=3 kw=3\ndwconv rows=1 cols=16 weights=900\n"))
                .hasMessage("p.s: line 4: dwconv: scratchpad (weights) bytes [900, 1044) pass its end (1024 bytes)");
    }
}
