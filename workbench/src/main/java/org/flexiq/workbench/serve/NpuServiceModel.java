package org.flexiq.workbench.serve;

import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * Service times from the fast engine: a batch of b requests is one run of the program compiled for b images
 * ({@code NpuCompiler}'s batched programs: each weight tile loaded once for the batch), one program per batch size, compiled
 * when first asked for. A switch costs what the program really issues to change ratio: one MAX_4BIT_CH register write per
 * 4-bit layer, one dispatch cycle each.
 */
public final class NpuServiceModel extends CachedServiceModel {
    private final IntFunction<CompiledProgram> compile;
    private final Map<Integer, CompiledProgram> programs = new ConcurrentHashMap<>();
    private final NpuConfig config;
    private final int extractionMode;

    /** @param compile the program for a batch of b images */
    public NpuServiceModel(IntFunction<CompiledProgram> compile, NpuConfig config, int extractionMode, List<Double> ratios) {
        super(ratios);
        this.compile = compile;
        this.config = config;
        this.extractionMode = extractionMode;
    }

    /** The program a batch of {@code batch} requests runs. */
    public CompiledProgram program(int batch) {
        return programs.computeIfAbsent(batch, compile::apply);
    }

    @Override
    double compute(double ratio, int batch) {
        List<RunStats> runs = FastEngine.schedule(program(batch).program(), config, List.of(NpuCompiler.profileName(ratio)), extractionMode);
        return runs.get(0).cycles() / (config.clockMHz() * 1e6);
    }

    /** Registers written per switch: the 4-bit layers' MAX_4BIT_CH. */
    public int switchRegisters() {
        return program(1).program().profile(NpuCompiler.profileName(ratios().get(ratios().size() - 1))).values().size();
    }

    @Override
    public double switchSeconds() {
        return switchRegisters() / (config.clockMHz() * 1e6);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s (%dx%d, %.0f MHz), fast engine; a switch writes %d MAX_4BIT_CH registers (%.0f ns); a batch of b requests "
                + "is one run of the program compiled for b images", config.name(),
                config.arrayRows(), config.arrayCols(), config.clockMHz(), switchRegisters(), switchSeconds() * 1e9);
    }
}
