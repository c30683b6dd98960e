package org.flexiq.workbench.serve;

import org.flexiq.compiler.lower.CompiledProgram;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;

import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Service times from the fast engine: a batch of b requests is b inferences of the compiled program scheduled back to back
 * at one ratio (the engine overlaps one inference's start with the last one's tail, as the hardware would). A switch costs
 * what the program really issues to change ratio: one MAX_4BIT_CH register write per 4-bit layer, one dispatch cycle each.
 */
public final class NpuServiceModel extends CachedServiceModel {
    private final CompiledProgram compiled;
    private final NpuConfig config;
    private final int extractionMode;

    public NpuServiceModel(CompiledProgram compiled, NpuConfig config, int extractionMode, List<Double> ratios) {
        super(ratios);
        this.compiled = compiled;
        this.config = config;
        this.extractionMode = extractionMode;
    }

    @Override
    double compute(double ratio, int batch) {
        List<RunStats> runs = FastEngine.schedule(compiled.program(), config, Collections.nCopies(batch, NpuCompiler.profileName(ratio)),
                extractionMode);
        return runs.stream().mapToLong(RunStats::cycles).sum() / (config.clockMHz() * 1e6);
    }

    /** Registers written per switch: the 4-bit layers' MAX_4BIT_CH. */
    public int switchRegisters() {
        return compiled.program().profile(NpuCompiler.profileName(ratios().get(ratios().size() - 1))).values().size();
    }

    @Override
    public double switchSeconds() {
        return switchRegisters() / (config.clockMHz() * 1e6);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s (%dx%d, %.0f MHz), fast engine; a switch writes %d MAX_4BIT_CH registers (%.0f ns)", config.name(),
                config.arrayRows(), config.arrayCols(), config.clockMHz(), switchRegisters(), switchSeconds() * 1e9);
    }
}
