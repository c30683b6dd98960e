package org.flexiq.simulator.energy;

import org.flexiq.isa.Instruction;
import org.flexiq.simulator.ConfigException;
import org.flexiq.simulator.ConfigJson;
import org.flexiq.simulator.Event;
import org.flexiq.simulator.FastEngineTest;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.RunStats;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Event counts of one loop.ws against closed forms, and energy = Σ count x table. */
class EnergyModelTest {
    static final int R = FastEngineTest.R;

    @Test
    void int8GemmCountsFollowTheClosedForms() {
        for (int m : new int[]{1, 10, 50, 300}) {
            for (int k : new int[]{32, 70, 256}) {
                int n = 20;
                RunStats s = FastEngineTest.gemm(FastEngineTest.machine(true), m, k, n, 0);
                long folds = (k + R - 1) / R;
                var e = s.events();
                String at = "M=" + m + " K=" + k;
                assertThat(s.int8Macs()).as(at).isEqualTo((long) m * k * n);
                assertThat(e.get(Event.WEIGHT_REGISTER_WRITE)).as(at).isEqualTo((long) k * n);
                assertThat(e.get(Event.ACCUMULATE_ADD)).as(at).isEqualTo(folds * m * n);
                assertThat(e.get(Event.GROUP_SHIFT)).as(at).isZero();
                // preloads read k weight rows of n bytes (one R-byte access each); each fold streams m activation rows
                assertThat(e.get(Event.SCRATCHPAD_READ)).as(at).isEqualTo(k + folds * m);
                assertThat(e.get(Event.SCRATCHPAD_READ_BYTES)).as(at).isEqualTo((long) k * n + (long) m * k);
                // each streamed row read-modify-writes one accumulator row of n <= C int32
                assertThat(e.get(Event.ACCUMULATOR_READ)).as(at).isEqualTo(folds * m);
                assertThat(e.get(Event.ACCUMULATOR_WRITE_BYTES)).as(at).isEqualTo(folds * m * 4 * n);
                // the profile's register and config.ws
                assertThat(e.get(Event.REGISTER_WRITE)).as(at).isEqualTo(2);
                assertThat(e.get(Event.DRAM_READ_BYTES)).as(at).isZero();
            }
        }
    }

    @Test
    void int4FoldsShiftTheirPartialSumsAndReadTwoRChannelsPerRow() {
        int m = 40;
        int k = 256;
        int n = 32;
        int four = 128; // two 64-channel groups, one 2R-channel fold each
        RunStats s = FastEngineTest.gemm(FastEngineTest.machine(true), m, k, n, four);
        long folds4 = four / (2 * R);
        long folds8 = (k - four) / R;
        var e = s.events();
        assertThat(s.int4Macs()).isEqualTo((long) m * four * n);
        assertThat(s.int8Macs()).isEqualTo((long) m * (k - four) * n);
        assertThat(e.get(Event.GROUP_SHIFT)).isEqualTo(folds4 * m * n);
        assertThat(e.get(Event.ACCUMULATE_ADD)).isEqualTo((folds4 + folds8) * m * n);
        // int4 fold: 2R one-byte codes (two accesses) and a shift byte per row; preload: 2R rows and one shift row
        assertThat(e.get(Event.SCRATCHPAD_READ)).isEqualTo(folds4 * (3L * m + 2 * R + 1) + folds8 * (m + R));
    }

    @Test
    void energyIsTheCountsTimesTheTable() {
        int m = 50;
        int k = 70;
        int n = 20;
        NpuConfig c = FastEngineTest.machine(true);
        RunStats s = FastEngineTest.gemm(c, m, k, n, 0);
        EnergyTable t = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), c);
        long folds = (k + R - 1) / R;
        double expected = (double) m * k * n * t.pj(EnergyAction.MAC_INT8)
                + (double) k * n * t.pj(EnergyAction.WEIGHT_WRITE)
                + (double) folds * m * n * t.pj(EnergyAction.ACCUMULATE_ADD)
                + (double) (k + folds * m) * t.pj(EnergyAction.SCRATCHPAD_READ)
                + (double) folds * m * (t.pj(EnergyAction.ACCUMULATOR_READ) + t.pj(EnergyAction.ACCUMULATOR_WRITE))
                + 2 * t.pj(EnergyAction.REGISTER_WRITE)
                + (double) s.cycles() * t.pj(EnergyAction.LEAK);
        EnergyReport r = EnergyReport.of(t, s);
        assertThat(r.totalPj()).isCloseTo(expected, within(1e-9 * expected));
        assertThat(r.byComponent().get(EnergyComponent.PE_MACS)).isCloseTo((double) m * k * n * t.pj(EnergyAction.MAC_INT8), within(1e-6));
        assertThat(r.topsPerWatt()).isCloseTo(2.0 * m * k * n / expected, within(1e-12));
    }

    /**
     * The transposer of mvin.t: R x R byte registers of Aladdin's 5.98 um² a bit at 40 nm, moved to 45 nm, and a byte through
     * it written into a register and read out, 16 register-bit actions of 0.009 pJ at 40 nm; a plain mvin of the same bytes
     * costs no transposer energy.
     */
    @Test
    void theTransposerIsRTimesRByteRegistersAndEachByteWritesAndReadsOne() {
        NpuConfig c = NpuPresets.load("flexiq-npu");
        EnergyTable t = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), c);
        int r = c.arrayRows();
        assertThat(t.um2().get(AreaItem.TRANSPOSER)).isCloseTo(8.0 * r * r * 5.98 * TechnologyScaling.area(40, 45), within(1e-9));
        assertThat(t.totalMm2()).isCloseTo(java.util.Arrays.stream(AreaItem.values()).mapToDouble(t::mm2).sum(), within(1e-12));
        assertThat(t.pj(EnergyAction.TRANSPOSE)).isCloseTo(16 * 0.009 * TechnologyScaling.energy(40, 0.9, 45, 0.9), within(1e-12));
        assertThat(t.pj(EnergyAction.TRANSPOSE)).isEqualTo(2 * t.pj(EnergyAction.WEIGHT_WRITE));

        NpuConfig small = FastEngineTest.machine(true);
        long bytes = 40L * 64;
        RunStats through = FastEngineTest.run(small, new Instruction.MvinT(0, 0, 40, 64, 192, 40));
        RunStats plain = FastEngineTest.run(small, new Instruction.Mvin(0, 0, 64, 40, 1, 192, 40));
        assertThat(through.events().get(Event.TRANSPOSED_BYTES)).isEqualTo(bytes);
        assertThat(plain.events().get(Event.TRANSPOSED_BYTES)).isZero();
        assertThat(through.events().get(Event.DRAM_READ_BYTES)).isEqualTo(plain.events().get(Event.DRAM_READ_BYTES)).isEqualTo(bytes);
        EnergyTable st = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), small);
        assertThat(EnergyReport.of(st, through).byComponent().get(EnergyComponent.TRANSPOSER)).isCloseTo(bytes * st.pj(EnergyAction.TRANSPOSE), within(1e-9));
        assertThat(EnergyReport.of(st, plain).byComponent().get(EnergyComponent.TRANSPOSER)).isZero();
    }

    @Test
    void publishedValuesAtTheirOwnNodeComeOutUnchanged() {
        NpuConfig c = NpuPresets.load("flexiq-npu");
        EnergyTable t = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), c);
        // Bit Fusion: 171.8 uW at 500 MHz per 8-bit PE; Horowitz: 32-bit add 0.1 pJ (both 45 nm)
        assertThat(t.pj(EnergyAction.MAC_INT8)).isCloseTo(171.8e-6 / 500e6 * 1e12, within(1e-9));
        assertThat(t.pj(EnergyAction.ACCUMULATE_ADD)).isCloseTo(0.1, within(1e-12));
        // dual-int4 PE = 8-bit PE + a 4-bit PE's lane (687.6 + 282.2 um²); 8 KB, 32-bit port: 6.39 pJ per read
        assertThat(t.um2().get(AreaItem.PE)).isCloseTo(969.8, within(1e-9));
        SramModel sram = EnergyParameters.load(EnergyParameters.DEFAULT).sram();
        assertThat(sram.readPj(8, 32)).isCloseTo(6.39, within(1e-12));
        assertThat(sram.readPj(16, 32)).isCloseTo(9.98, within(1e-12));
        // the same 2048 rows with an 8x wider port: 8x the energy; a quarter of the rows: 4^-0.643 of it
        assertThat(sram.readPj(64, 256)).isCloseTo(8 * 6.39, within(1e-12));
        assertThat(sram.readPj(2, 32)).isCloseTo(6.39 * Math.pow(0.25, Math.log(9.98 / 6.39) / Math.log(2)), within(1e-12));
        assertThat(sram.areaUm2(100)).isCloseTo(979377.0, within(1e-6));
        // LPDDR4: 8 pJ per bit
        assertThat(t.pj(EnergyAction.DRAM_READ)).isEqualTo(64.0);
        EnergyTable plain = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), c.withEnergy(null, null, "int8"));
        assertThat(plain.um2().get(AreaItem.PE)).isCloseTo(687.6, within(1e-9));
        assertThat(plain.totalMm2()).isLessThan(t.totalMm2());
    }

    @Test
    void nodeScalingIsMonotoneAndMatchesThePublishedFactors() {
        double[] nodes = {130, 110, 90, 65, 45, 40, 32, 28, 22, 20, 16, 14, 12, 10, 7};
        for (int i = 1; i < nodes.length; i++) {
            assertThat(TechnologyScaling.area(45, nodes[i])).as(nodes[i] + " nm").isLessThan(TechnologyScaling.area(45, nodes[i - 1]));
            assertThat(TechnologyScaling.energy(45, 0.9, nodes[i], 0.9)).as(nodes[i] + " nm").isLessThan(TechnologyScaling.energy(45, 0.9, nodes[i - 1], 0.9));
        }
        // Stillmaker & Baas area factors 45 -> 16 nm and 45 -> 7 nm
        assertThat(TechnologyScaling.area(45, 16)).isCloseTo(0.19, within(0.005));
        assertThat(TechnologyScaling.area(45, 7)).isCloseTo(0.059, within(0.002));
        assertThat(TechnologyScaling.energy(45, 0.9, 45, 0.9)).isEqualTo(1.0);
        // a lower supply saves energy at one node
        assertThat(TechnologyScaling.energy(16, 0.9, 16, 0.7)).isLessThan(1);
        assertThatThrownBy(() -> TechnologyScaling.area(45, 5)).isInstanceOf(ConfigException.class).hasMessageContaining("5.0 nm");
    }

    @Test
    void plainInt8PesRefuseInt4Work() {
        NpuConfig c = FastEngineTest.machine(true);
        RunStats s = FastEngineTest.gemm(c, 10, 128, 32, 64);
        NpuConfig plainNpu = c.withEnergy(null, null, "int8");
        EnergyTable plain = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), plainNpu);
        assertThatThrownBy(() -> EnergyReport.of(plain, s)).isInstanceOf(ConfigException.class).hasMessageContaining("int4 MACs");
        assertThatThrownBy(() -> FastEngineTest.gemm(plainNpu, 10, 128, 32, 64)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("plain int8 PEs (peType int8) have no int4 lanes");
        assertThat(FastEngineTest.gemm(plainNpu, 10, 128, 32, 0).cycles()).isEqualTo(FastEngineTest.gemm(c, 10, 128, 32, 0).cycles());
        assertThatThrownBy(() -> EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), c.withEnergy(null, "DDR4", null)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dramType 'DDR4' has no energy per bit; known: DDR3, GDDR5, HBM2, HMC, LPDDR, LPDDR4");
    }

    @Test
    void badParameterFilesNameTheField() {
        assertThatThrownBy(() -> EnergyParameters.parse("p.json", "{\"name\": \"x\"}".getBytes()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("p.json: ").hasMessageContaining("description");
        // a parameter file from before the transposer's area was priced
        String shipped = new String(ConfigJson.resource(EnergyParameters.class, "published-45nm.json"), java.nio.charset.StandardCharsets.UTF_8);
        String older = shipped.lines().filter(l -> !l.contains("registerBitArea")).collect(java.util.stream.Collectors.joining("\n"));
        assertThatThrownBy(() -> EnergyParameters.parse("old.json", older.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(ConfigException.class).hasMessage("old.json: field 'registerBitArea' is missing");
        assertThatThrownBy(() -> EnergyParameters.load("nope"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("published-45nm");
    }
}
