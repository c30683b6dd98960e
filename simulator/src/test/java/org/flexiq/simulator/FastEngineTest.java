package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.RegisterProfile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Single-GEMM cycle counts against the closed forms of simulator/README.md ("Timing model"). */
public class FastEngineTest {
    public static final int R = 32;
    static final int C = 32;

    public static NpuConfig machine(boolean doubleBuffered) {
        return new NpuConfig("t", "test", R, C, 64, 1024, 1, 256, 32, 1000, 16, 100, doubleBuffered, true, NpuConfig.DEFAULT_ENERGY_MODEL,
                NpuConfig.DEFAULT_DRAM, "dual-int4");
    }

    /** One loop.ws of M rows, K channels, N <= C columns; r2 = MAX_4BIT_CH. */
    public static RunStats gemm(NpuConfig c, int m, int k, int n, int fourBit) {
        List<Instruction> code = new ArrayList<>(List.of(
                new Instruction.ConfigWs(0, k, 200_000, k, 400_000, k / 64 + 1),
                new Instruction.LoopWs(600_000, n, 800_000, n, 0, m, n, k, 0, 1, 64, 2, 0, 0),
                new Instruction.Halt()));
        NpuProgram p = new NpuProgram(c.target(), code, List.of(), List.of(new RegisterProfile("r", Map.of(2, fourBit))), List.of(),
                new byte[0], 64);
        return FastEngine.run(p, c, "r", FunctionalExecutor.STATIC);
    }

    /** An assembled program may mark one layer twice: each marker opens a window of its own, as the planner names them. */
    @Test
    void aLayerMarkedTwiceGetsTwoWindows() {
        NpuConfig c = machine(false);
        Instruction loop = new Instruction.LoopWs(600_000, 20, 800_000, 20, 0, 10, 20, 64, 0, 1, 64, 2, 0, 0);
        List<Instruction> code = List.of(new Instruction.Layer(0), new Instruction.ConfigWs(0, 64, 200_000, 64, 400_000, 2), loop,
                new Instruction.Layer(0), loop, new Instruction.Halt());
        NpuProgram p = new NpuProgram(c.target(), code, List.of("a"), List.of(new RegisterProfile("r", Map.of(2, 0))), List.of(), new byte[0], 64);
        RunStats s = FastEngine.run(p, c, "r", FunctionalExecutor.STATIC);
        assertThat(s.layers()).extracting(LayerStats::name).containsExactly("(register writes)", "a", "a");
        assertThat(s.layers().get(1).int8Macs()).isEqualTo(s.layers().get(2).int8Macs()).isEqualTo(10L * 64 * 20);
    }

    @Test
    void withoutDoubleBufferingEachFoldCostsScaleSimsTwoRPlusCPlusMMinusTwo() {
        for (int m : new int[]{1, 10, 50, 300}) {
            for (int k : new int[]{32, 70, 256}) {
                RunStats s = gemm(machine(false), m, k, 20, 0);
                int folds = (k + R - 1) / R;
                // dispatch: the profile's register write in cycle 0, config.ws in 1, loop.ws in 2
                assertThat(s.cycles()).as("M=" + m + " K=" + k).isEqualTo(2 + (long) folds * (2 * R + C + m - 2));
                Map<Activity, Long> b = s.breakdown();
                assertThat(b.get(Activity.INT8_MAC)).isEqualTo((long) folds * m);
                assertThat(b.get(Activity.PRELOAD)).isEqualTo((long) folds * R);
                assertThat(b.get(Activity.FILL_DRAIN)).isEqualTo((long) folds * (R + C - 2));
                assertThat(b.get(Activity.DMA_STALL)).isEqualTo(2);
            }
        }
    }

    @Test
    void doubleBufferedPreloadsHideBehindTheStream() {
        for (int m : new int[]{1, 10, 32, 50, 300}) {
            RunStats s = gemm(machine(true), m, 96, 32, 0);
            // first preload R, then a fold every max(M, R) (the next preload starts when a compute takes its weights), then drain
            assertThat(s.cycles()).as("M=" + m).isEqualTo(2 + R + 2L * Math.max(m, R) + m + R + C - 2);
        }
    }

    @Test
    void dualInt4FoldsCoverTwoRChannelsAndTheRegisterSplitsTheReduction() {
        int m = 100;
        RunStats all4 = gemm(machine(false), m, 256, 32, 256);
        assertThat(all4.cycles()).isEqualTo(2 + 4L * (2 * R + C + m - 2)); // 256 / 64 int4 folds
        assertThat(all4.breakdown().get(Activity.INT4_MAC)).isEqualTo(4L * m);
        RunStats half = gemm(machine(false), m, 256, 32, 128);
        assertThat(half.cycles()).isEqualTo(2 + (2L + 4L) * (2 * R + C + m - 2)); // 2 int4 folds + 4 int8 folds
        assertThat(half.int4Macs()).isEqualTo((long) m * 128 * 32);
        assertThat(half.int8Macs()).isEqualTo((long) m * 128 * 32);
        assertThat(gemm(machine(false), m, 256, 32, 0).cycles()).isEqualTo(2 + 8L * (2 * R + C + m - 2));
    }

    /**
     * A K^T tile, 64 rows of 40 tokens, each token's 64 bytes a DRAM row 192 bytes apart (B = 16 bytes per cycle, R = 32):
     * a strided mvin moves it an element per cycle, 2,560 cycles; mvin.t reads the 40 rows as bursts of ceil(64 / 16) = 4
     * cycles, 160, which outlast the transposer's intake of 40 x ceil(64 / 32) = 80, then drains min(64, R) = 32 rows.
     */
    @Test
    void aTransposingLoadCostsItsBurstsAndTheTransposersDrain() {
        NpuConfig c = new NpuConfig("t", "test", R, C, 64, 1024, 1, 256, 32, 1000, 16, 100, false, false, NpuConfig.DEFAULT_ENERGY_MODEL,
                NpuConfig.DEFAULT_DRAM, "dual-int4");
        long strided = load(c, new Instruction.Mvin(0, 0, 64, 40, 1, 192, 40));
        long transposed = load(c, new Instruction.MvinT(0, 0, 40, 64, 192, 40));
        assertThat(strided - transposed).isEqualTo(64L * 40 - (40L * 4 + 32));
        // contiguous DRAM rows and a narrow tile: one burst of ceil(40 x 8 / 16) = 20 cycles, intake 40, drain 8
        assertThat(load(c, new Instruction.MvinT(0, 0, 40, 8, 8, 40)) - transposed).isEqualTo(40 + 8 - (160 + 32));
    }

    private static long load(NpuConfig c, Instruction insn) {
        return run(c, insn).cycles();
    }

    /** One instruction alone on the machine, timed. */
    public static RunStats run(NpuConfig c, Instruction insn) {
        NpuProgram p = new NpuProgram(c.target(), List.of(insn, new Instruction.Halt()), List.of(), List.of(new RegisterProfile("r", Map.of())),
                List.of(), new byte[16_384], 16_384);
        return FastEngine.run(p, c, "r", FunctionalExecutor.STATIC);
    }

    @Test
    void peUtilizationCountsAnInt4MacAsHalfAPeCycle() {
        int m = 1000;
        RunStats s = gemm(machine(true), m, 256, 32, 256);
        double slots = (double) R * C * s.cycles();
        assertThat(s.peUtilization()).isEqualTo((s.int4Macs() / 2.0) / slots);
        assertThat(s.gemminiUtilization()).isEqualTo(s.int4Macs() / slots);
        assertThat(s.peUtilization()).isGreaterThan(0.9).isLessThanOrEqualTo(1.0);
    }
}
