package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.Target;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * loop.ws run as one product over all its taps and folds gives the accumulators, counts, array state and faults of the
 * same loop run fold by fold (a preload and a compute per fold, as isa/README.md specifies it), on random loops: int4
 * and int8 folds, 4-bit weight codes, convolution taps over padding, operands up to the byte range, accumulators
 * that already hold sums.
 */
class LoopWsAsOneProductTest {
    private static final int W = 0;
    private static final int W_SHIFTS = 4096;
    private static final int A = 8192;
    private static final int A4 = 12288;
    private static final int A_SHIFTS = 16384;
    private static final int MREG = 1;

    /** One random loop and the machine state it starts from. */
    private record Loop(Instruction.ConfigConv conv, Instruction.ConfigWs ws, Instruction.LoopWs loop, int m4, MachineState state) {
    }

    private static Loop randomLoop(Random rnd) {
        int rows = 2 << rnd.nextInt(2);
        int cols = 2 + rnd.nextInt(3);
        Target target = new Target(rows, cols, 64 * 1024, 64);
        int g = 2 << rnd.nextInt(3);
        int groups = 1 + rnd.nextInt(4);
        int k = g * groups;
        int m4 = g * rnd.nextInt(groups + 1);
        int n = 1 + rnd.nextInt(cols);
        boolean isConv = rnd.nextBoolean();
        int taps = isConv ? 9 : 1;
        int pixels = isConv ? 16 : 1 + rnd.nextInt(20);
        int mRows = isConv ? 1 + rnd.nextInt(16) : pixels;
        int fold4 = Math.min(g, 2 * rows);
        // 4-bit weight codes for a whole number of the int4 folds (mvin.w4 would have unpacked them)
        int wcodes = m4 == 0 ? 0 : fold4 * rnd.nextInt(m4 / fold4 + 1);
        MachineState s = new MachineState(target, 16);
        for (int t = 0; t < taps; t++) {
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < n; c++) {
                    s.sp[W + (t * k + r) * n + c] = (byte) (r < wcodes ? rnd.nextInt(16) - 8 : rnd.nextInt(256) - 128);
                }
            }
        }
        for (int i = 0; i < groups * n; i++) {
            s.sp[W_SHIFTS + i] = (byte) rnd.nextInt(8);
        }
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < k; c++) {
                s.sp[A + p * k + c] = (byte) (rnd.nextInt(256) - 128);
                s.sp[A4 + p * k + c] = (byte) (rnd.nextInt(32) - 16);
            }
            for (int gi = 0; gi < groups; gi++) {
                s.sp[A_SHIFTS + p * groups + gi] = (byte) rnd.nextInt(8);
            }
        }
        for (int i = 0; i < mRows * cols; i++) {
            s.acc[i] = rnd.nextInt();
        }
        s.setRegister(MREG, m4);
        Instruction.ConfigConv conv = new Instruction.ConfigConv(4, 4, 4, 4, 3, 3, 1, 1, 1, 1, 1, 0);
        Instruction.ConfigWs ws = new Instruction.ConfigWs(A, k, A4, k, A_SHIFTS, groups);
        Instruction.LoopWs loop = new Instruction.LoopWs(W, n, W_SHIFTS, n, 0, mRows, n, k, 0, taps, g, MREG, isConv ? 1 : 0, 0, wcodes);
        return new Loop(conv, ws, loop, m4, s);
    }

    private static MachineState copy(MachineState s) {
        MachineState c = new MachineState(s.target, s.dram.length);
        System.arraycopy(s.sp, 0, c.sp, 0, s.sp.length);
        System.arraycopy(s.acc, 0, c.acc, 0, s.acc.length);
        c.setRegister(MREG, s.register(MREG));
        return c;
    }

    /** The loop, then a compute on whatever weights the loop left in the array. */
    private static InstructionSemantics run(Loop l, MachineState s, int loopTerms) {
        InstructionSemantics x = new InstructionSemantics(s, loopTerms);
        x.execute(l.conv());
        x.execute(l.ws());
        x.execute(l.loop());
        boolean lastFoldInt4 = l.m4() == l.loop().k();
        x.execute(new Instruction.Compute(lastFoldInt4 ? A4 : A, 0, l.loop().m(), l.loop().k(), 1, lastFoldInt4 ? 1 : 0, A_SHIFTS, 1, 0, 0, 0));
        return x;
    }

    @Test
    void oneProductEqualsTheFoldsOnRandomLoops() {
        Random rnd = new Random(7);
        for (int i = 0; i < 300; i++) {
            Loop l = randomLoop(rnd);
            MachineState folds = copy(l.state());
            MachineState whole = copy(l.state());
            ExecutionCounts byFolds = run(l, folds, 0).counts();
            ExecutionCounts asOne = run(l, whole, InstructionSemantics.LOOP_TERMS).counts();
            String what = "loop " + i + ": " + l.loop();
            assertThat(whole.acc).as(what).isEqualTo(folds.acc);
            assertThat(new long[]{asOne.int4Folds(), asOne.int8Folds(), asOne.int4Macs(), asOne.int8Macs()}).as(what)
                    .containsExactly(byFolds.int4Folds(), byFolds.int8Folds(), byFolds.int4Macs(), byFolds.int8Macs());
        }
    }

    @Test
    void oneProductFaultsAsTheFoldsDo() {
        Random rnd = new Random(11);
        int faults = 0;
        for (int i = 0; i < 100; i++) {
            Loop l = randomLoop(rnd);
            if (l.m4() == 0) {
                continue;
            }
            // an activation shift past 7 on the last pixel the loop's rows read, or a weight code past 4 bits
            if (i % 2 == 0) {
                l.state().sp[A_SHIFTS + (l.loop().conv() == 1 ? 15 : l.loop().m() - 1) * (l.loop().k() / l.loop().g())] = 9;
            } else {
                l.state().sp[W] = 100;
            }
            Throwable folds = catchFault(l, 0);
            Throwable whole = catchFault(l, InstructionSemantics.LOOP_TERMS);
            if (folds == null) {
                assertThat(whole).as("loop " + i).isNull();
                continue;
            }
            faults++;
            assertThat(whole).as("loop " + i).isInstanceOf(NpuFault.class).hasMessage(folds.getMessage());
        }
        assertThat(faults).isGreaterThan(20);
    }

    private static Throwable catchFault(Loop l, int loopTerms) {
        try {
            run(l, copy(l.state()), loopTerms);
            return null;
        } catch (NpuFault e) {
            return e;
        }
    }
}
