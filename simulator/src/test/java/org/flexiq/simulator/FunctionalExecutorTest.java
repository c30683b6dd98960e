package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.IoTensor;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.isa.Target;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Instruction semantics on small hand-computed cases. */
class FunctionalExecutorTest {
    static final Target T = new Target(2, 2, 4096, 16);
    static final int OUT = 512;

    /** A program over a DRAM image; input x (int8) at 256, output y at OUT. */
    static byte[] run(List<Instruction> code, byte[] image, int[] x, int[] yShape, Map<Integer, Integer> regs, int mode) {
        return run(T, code, image, x, yShape, regs, mode);
    }

    static byte[] run(Target target, List<Instruction> code, byte[] image, int[] x, int[] yShape, Map<Integer, Integer> regs, int mode) {
        List<Instruction> all = new ArrayList<>(code);
        all.add(new Instruction.Halt());
        int outLen = 1;
        for (int d : yShape) {
            outLen *= d;
        }
        int[] strides = new int[yShape.length];
        for (int d = yShape.length - 1, s = 1; d >= 0; s *= yShape[d], d--) {
            strides[d] = s;
        }
        NpuProgram p = new NpuProgram(target, all, List.of("l"), List.of(new RegisterProfile("r", regs)),
                List.of(new IoTensor("x", IoTensor.Role.INPUT, false, 256, new int[]{x.length}, new int[]{1}),
                        new IoTensor("y", IoTensor.Role.OUTPUT, false, OUT, yShape, strides)), image, 1024);
        assertThat(outLen).isPositive();
        return FunctionalExecutor.run(p, "r", mode, Map.of("x", x)).outputs().get("y");
    }

    static byte[] image(int size) {
        return new byte[size];
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Multiplier 1.0 in fixed point: 2^30 x 2^(1 - 31). */
    static void unitMultiplier(byte[] b, int at) {
        putInt(b, at, 1 << 30);
        putInt(b, at + 4, 1);
    }

    @Test
    void int8MatrixProductThroughPreloadAndCompute() {
        // x = [[1, 2], [3, -4]] (rows), W = [[5, 6], [7, 8]] (K x N), y = x W
        byte[] img = image(256);
        img[0] = 5;
        img[1] = 6;
        img[2] = 7;
        img[3] = 8;
        unitMultiplier(img, 16);
        unitMultiplier(img, 24);
        List<Instruction> code = List.of(
                new Instruction.Mvin(0, 0, 2, 2, 2, 1, 2),           // W -> sp 0
                new Instruction.Mvin(256, 100, 2, 2, 2, 1, 2),       // x -> sp 100
                new Instruction.Mvin(16, 200, 1, 16, 0, 1, 16),      // multipliers -> sp 200
                new Instruction.Preload(0, 2, 2, 2, 0, 0),
                new Instruction.Compute(100, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0),
                new Instruction.Requant(0, 300, 2, 2, 2, 200, 8, -128, 127),
                new Instruction.Mvout(300, OUT, 2, 2, 2, 2, 1));
        byte[] y = run(code, img, new int[]{1, 2, 3, -4}, new int[]{2, 2}, Map.of(), FunctionalExecutor.STATIC);
        assertThat(y).containsExactly(1 * 5 + 2 * 7, 1 * 6 + 2 * 8, 3 * 5 - 4 * 7, 3 * 6 - 4 * 8);
    }

    @Test
    void productOverMoreColumnsThanOnePassTakesEqualsThePlainProduct() {
        // 7 columns: the array sums four columns per pass over a row, then the rest one by one
        Target wide = new Target(4, 7, 4096, 16);
        int m = 5;
        int k = 4;
        int n = 7;
        java.util.Random rnd = new java.util.Random(1);
        byte[] img = image(256);
        int[][] w = new int[k][n];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < n; c++) {
                w[r][c] = rnd.nextInt(7) - 3;
                img[128 + r * n + c] = (byte) w[r][c];
            }
        }
        for (int c = 0; c < n; c++) {
            unitMultiplier(img, 16 + 8 * c);
        }
        int[] x = new int[m * k];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(7) - 3;
        }
        List<Instruction> code = List.of(
                new Instruction.Mvin(128, 0, k, n, n, 1, n),
                new Instruction.Mvin(256, 100, m, k, k, 1, k),
                new Instruction.Mvin(16, 200, 1, 8 * n, 0, 1, 8 * n),
                new Instruction.Preload(0, k, n, n, 0, 0),
                new Instruction.Compute(100, 0, m, k, 0, 0, 0, 0, 0, 0, 0),
                new Instruction.Compute(100, 0, m, k, 1, 0, 0, 0, 0, 0, 0), // accumulates: twice the product
                new Instruction.Requant(0, 300, m, n, n, 200, 8, -128, 127),
                new Instruction.Mvout(300, OUT, m, n, n, n, 1));
        byte[] y = run(wide, code, img, x, new int[]{m, n}, Map.of(), FunctionalExecutor.STATIC);
        byte[] expected = new byte[m * n];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                int sum = 0;
                for (int i = 0; i < k; i++) {
                    sum += x[r * k + i] * w[i][c];
                }
                expected[r * n + c] = (byte) (2 * sum);
            }
        }
        assertThat(y).containsExactly(expected);
    }

    @Test
    void dualInt4FoldShiftsEachPartialSumByBothShifts() {
        // one row, K = 4 (2R), N = 1: a = [29, 3, -8, 1] static shift 2 -> codes [7, 1, -2, 0];
        // w = [16, 32, -16, 8] shift 3 -> [2, 4, -2, 1]; sum = 14 + 4 + 4 + 0 = 22, << 5 = 704, requant x 1/8 = 88
        byte[] img = image(256);
        byte[] w = {16, 32, -16, 8};
        System.arraycopy(w, 0, img, 0, 4);
        img[8] = 3;   // weight shift of column 0
        img[12] = 2;  // static activation shift of group 0
        putInt(img, 16, 1 << 30);
        putInt(img, 20, -2); // 2^30 x 2^(-2 - 31) = 1/8
        List<Instruction> code = List.of(
                new Instruction.Mvin(256, 100, 1, 4, 4, 1, 4),
                new Instruction.Mvin(12, 120, 1, 1, 0, 1, 1),
                new Instruction.Extract(100, 4, 140, 4, 160, 1, 1, 4, 2, 2, 120, 0),
                new Instruction.Mvin(0, 0, 4, 1, 1, 1, 1),           // W column: 4 rows of 1 byte
                new Instruction.Mvin(8, 10, 1, 1, 0, 1, 1),
                new Instruction.Mvin(16, 200, 1, 8, 0, 1, 8),
                new Instruction.Preload(0, 4, 1, 1, 1, 10),
                new Instruction.Compute(140, 0, 1, 4, 0, 1, 160, 1, 0, 0, 0),
                new Instruction.Requant(0, 300, 1, 1, 1, 200, 0, -128, 127),
                new Instruction.Mvout(300, OUT, 1, 1, 1, 1, 1));
        byte[] y = run(code, img, new int[]{29, 3, -8, 1}, new int[]{1}, Map.of(2, 4), FunctionalExecutor.STATIC);
        assertThat(y).containsExactly(88);
        // dynamic: OR of |a| = 31 -> shift 2 as well; the same result
        assertThat(run(code, img, new int[]{29, 3, -8, 1}, new int[]{1}, Map.of(2, 4), FunctionalExecutor.DYNAMIC)).containsExactly(88);
        // dynamic on small values keeps them exact: a = [3, 1, -2, 0] -> shift 0, sum = 6 + 4 + 4 = 14, << 3 = 112, / 8 = 14
        assertThat(run(code, img, new int[]{3, 1, -2, 0}, new int[]{1}, Map.of(2, 4), FunctionalExecutor.DYNAMIC)).containsExactly(14);
    }

    /** mvin.t writes its DRAM rows as scratchpad columns: the same bytes a strided mvin gathers an element at a time. */
    @Test
    void mvinTransposedEqualsTheStridedMvinOfTheTransposedView() {
        byte[] img = image(256);
        // three DRAM rows of five bytes, 8 apart: row r holds 10r + c
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 5; c++) {
                img[r * 8 + c] = (byte) (10 * r + c);
            }
        }
        int[] transposed = {0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23, 4, 14, 24};
        List<Instruction> viaTransposer = List.of(
                new Instruction.MvinT(0, 0, 3, 5, 8, 4),
                new Instruction.Mvout(0, OUT, 5, 3, 4, 3, 1));
        assertThat(run(viaTransposer, img, new int[]{0}, new int[]{15}, Map.of(), FunctionalExecutor.STATIC)).containsExactly(transposed);
        List<Instruction> strided = List.of(
                new Instruction.Mvin(0, 0, 5, 3, 1, 8, 4),
                new Instruction.Mvout(0, OUT, 5, 3, 4, 3, 1));
        assertThat(run(strided, img, new int[]{0}, new int[]{15}, Map.of(), FunctionalExecutor.STATIC)).containsExactly(transposed);
    }

    @Test
    void mvinW4UnpacksLowNibbleFirstSignExtendedAndPreloadTakesTheCodes() {
        // bytes 0x8F 0x07 hold the codes -1 (low nibble F), -8 (high nibble 8) and 7; a second row at dstride 4: 0x21 -> 1, 2
        byte[] img = image(256);
        img[0] = (byte) 0x8F;
        img[1] = 0x07;
        img[4] = 0x21;
        List<Instruction> unpack = List.of(
                new Instruction.MvinW4(0, 0, 2, 3, 4, 3),
                new Instruction.Mvout(0, OUT, 1, 6, 6, 6, 1));
        assertThat(run(unpack, img, new int[]{0}, new int[]{6}, Map.of(), FunctionalExecutor.STATIC)).containsExactly(-1, -8, 7, 1, 2, 0);
        // the dual-int4 fold above with its weight codes [2, 4, -2, 1] stored packed instead of lowered from [16, 32, -16, 8]:
        // preload codes=1 takes them as they are and keeps the column's shift 3: the same 88
        byte[] codes = image(256);
        codes[0] = 0x02;
        codes[1] = 0x04;
        codes[2] = 0x0E;
        codes[3] = 0x01;
        codes[8] = 3;
        codes[12] = 2;
        putInt(codes, 16, 1 << 30);
        putInt(codes, 20, -2);
        List<Instruction> fold = new ArrayList<>(List.of(
                new Instruction.Mvin(256, 100, 1, 4, 4, 1, 4),
                new Instruction.Mvin(12, 120, 1, 1, 0, 1, 1),
                new Instruction.Extract(100, 4, 140, 4, 160, 1, 1, 4, 2, 2, 120, 0),
                new Instruction.MvinW4(0, 0, 4, 1, 1, 1),            // W column: 4 rows of 1 code, a byte each
                new Instruction.Mvin(8, 10, 1, 1, 0, 1, 1),
                new Instruction.Mvin(16, 200, 1, 8, 0, 1, 8),
                new Instruction.Preload(0, 4, 1, 1, 1, 10, 1),
                new Instruction.Compute(140, 0, 1, 4, 0, 1, 160, 1, 0, 0, 0),
                new Instruction.Requant(0, 300, 1, 1, 1, 200, 0, -128, 127),
                new Instruction.Mvout(300, OUT, 1, 1, 1, 1, 1)));
        assertThat(run(fold, codes, new int[]{29, 3, -8, 1}, new int[]{1}, Map.of(2, 4), FunctionalExecutor.STATIC)).containsExactly(88);
        // an int8 byte where a code is expected, and codes in an int8 fold, fault
        fold.set(3, new Instruction.Mvin(0, 0, 4, 1, 1, 1, 1));
        codes[1] = 32;
        assertThatThrownBy(() -> run(fold, codes, new int[]{29, 3, -8, 1}, new int[]{1}, Map.of(2, 4), FunctionalExecutor.STATIC))
                .isInstanceOf(NpuFault.class).hasMessageContaining("preload codes=1: byte 32 at scratchpad 1 is no 4-bit code");
        fold.set(6, new Instruction.Preload(0, 4, 1, 1, 0, 10, 1));
        assertThatThrownBy(() -> run(fold, codes, new int[]{29, 3, -8, 1}, new int[]{1}, Map.of(2, 4), FunctionalExecutor.STATIC))
                .isInstanceOf(NpuFault.class).hasMessageContaining("codes=1 in int8 mode");
    }

    @Test
    void loopWsSplitsTheReductionAtTheRegister() {
        // K = 4 channels, G = 2, R = 2: reg = 2 -> one int4 fold (channels 0..1) and one int8 fold (2..3)
        byte[] img = image(256);
        byte[] w = {1, 1, 1, 1}; // 4 rows x 1 column
        System.arraycopy(w, 0, img, 0, 4);
        img[8] = 0;   // weight shifts for groups 0 and 1 (rows of 1 column)
        img[9] = 0;
        img[12] = 0;  // static activation shifts
        img[13] = 0;
        unitMultiplier(img, 16);
        List<Instruction> code = List.of(
                new Instruction.Mvin(256, 100, 1, 4, 4, 1, 4),
                new Instruction.Mvin(12, 120, 1, 2, 0, 1, 2),
                new Instruction.Extract(100, 4, 140, 4, 160, 2, 1, 2, 2, 2, 120, 0),
                new Instruction.ConfigWs(100, 4, 140, 4, 160, 2),
                new Instruction.Mvin(0, 0, 4, 1, 1, 1, 1),
                new Instruction.Mvin(8, 10, 2, 1, 1, 1, 1),
                new Instruction.Mvin(16, 200, 1, 8, 0, 1, 8),
                new Instruction.Mvin(16, 200, 1, 8, 0, 1, 8),
                new Instruction.LoopWs(0, 1, 10, 1, 0, 1, 1, 4, 0, 1, 2, 2, 0, 0),
                new Instruction.Requant(0, 300, 1, 1, 1, 200, 0, -128, 127),
                new Instruction.Mvout(300, OUT, 1, 1, 1, 1, 1));
        // channels 0, 1 at 4 bits with shift 0 saturate to [-8, 7]: 20 -> 7, 9 -> 7; channels 2, 3 exact: 20 + 9
        assertThat(run(code, img, new int[]{20, 9, 20, 9}, new int[]{1}, Map.of(2, 2), FunctionalExecutor.STATIC)).containsExactly(7 + 7 + 20 + 9);
        assertThat(run(code, img, new int[]{20, 9, 20, 9}, new int[]{1}, Map.of(2, 0), FunctionalExecutor.STATIC)).containsExactly(58);
        assertThatThrownBy(() -> run(code, img, new int[]{20, 9, 20, 9}, new int[]{1}, Map.of(2, 3), FunctionalExecutor.STATIC))
                .isInstanceOf(NpuFault.class).hasMessageContaining("instruction 2 (extract): r2 = 3 channels is not a multiple of G = 2");
    }

    @Test
    void convolutionRowsReadTheirWindowAndPaddingReadsZero() {
        // 1 channel, 3x3 input, 3x3 kernel of ones, pad 1: output (0,0) = sum of the top-left 2x2
        byte[] img = image(256);
        for (int t = 0; t < 9; t++) {
            img[t] = 1;  // weights: 9 taps x 1 channel x 1 column
        }
        unitMultiplier(img, 16);
        List<Instruction> code = new ArrayList<>(List.of(
                new Instruction.Mvin(256, 100, 9, 1, 1, 1, 1),
                new Instruction.Mvin(0, 0, 9, 1, 1, 1, 1),
                new Instruction.Mvin(16, 200, 1, 8, 0, 1, 8),
                new Instruction.ConfigConv(3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 0),
                new Instruction.ConfigWs(100, 1, 0, 0, 0, 0),
                new Instruction.LoopWs(0, 1, 0, 1, 0, 9, 1, 1, 0, 9, 2, 0, 1, 0),
                new Instruction.Requant(0, 300, 9, 1, 1, 200, 0, -128, 127),
                new Instruction.Mvout(300, OUT, 9, 1, 1, 1, 1)));
        byte[] y = run(code, img, new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[]{9}, Map.of(), FunctionalExecutor.STATIC);
        assertThat(y).containsExactly(12, 21, 16, 27, 45, 33, 24, 39, 28);
    }

    @Test
    void vectorOpsFollowTheNumericContract() {
        byte[] img = image(256);
        putInt(img, 0, 1 << 30);
        putInt(img, 4, 1);   // Ma = 1
        putInt(img, 8, 1 << 30);
        putInt(img, 12, 0);  // Mb = 1/2
        List<Instruction> code = List.of(
                new Instruction.Mvin(256, 100, 1, 4, 4, 1, 4),
                new Instruction.Mvin(0, 200, 1, 16, 0, 1, 16),
                new Instruction.Add(100, 100, 300, 1, 4, 4, 4, 4, 200),
                new Instruction.Mvout(300, OUT, 1, 4, 4, 4, 1));
        // a + a/2, rounded half away from zero, saturated
        assertThat(run(code, img, new int[]{3, -3, 100, -1}, new int[]{4}, Map.of(), 0)).containsExactly(5, -5, 127, -2);
    }

    @Test
    void addressesOutsideAMemoryFaultWithTheInstruction() {
        List<Instruction> code = List.of(new Instruction.Mvin(0, 4090, 1, 16, 0, 1, 16));
        assertThatThrownBy(() -> run(code, image(64), new int[]{0}, new int[]{1}, Map.of(), 0)).isInstanceOf(NpuFault.class)
                .hasMessage("instruction 0 (mvin): scratchpad mvin destination [4090 .. 4105] is outside [0, 4096)");
        List<Instruction> acc = List.of(new Instruction.Compute(0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0));
        assertThatThrownBy(() -> run(acc, image(64), new int[]{0}, new int[]{1}, Map.of(), 0)).isInstanceOf(NpuFault.class)
                .hasMessageContaining("compute in int8 mode after a preload in the other mode");
    }
}
