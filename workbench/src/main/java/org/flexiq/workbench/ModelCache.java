package org.flexiq.workbench;

import org.flexiq.compiler.lower.InfeasibleException;
import org.flexiq.compiler.quant.QuantizedModel;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A model quantized on the fly once per group width, whichever thread asks first (the others wait for it).
 * Keyed by (model, G, seed, stored ratios): the calibration is the quick synthetic one of {@link NpuModels#quantize}.
 * Timing-only models are kept beside them.
 */
public final class ModelCache {
    /** seed is -1 for the timing-only model, which has no calibration to seed. */
    private record Key(String model, int group, long seed, List<Double> ratios) {
    }

    private final Map<Key, FutureTask<QuantizedModel>> models = new ConcurrentHashMap<>();

    /**
     * The model quantized with G = {@code group}, storing {@link NpuModels#onTheFlyRatios} of {@code run}; a model G does
     * not fit is an {@link InfeasibleException}.
     */
    public QuantizedModel quantized(String model, int group, long seed, List<Double> run) throws Exception {
        List<Double> stored = NpuModels.onTheFlyRatios(run);
        return get(new Key(model, group, seed, stored), () ->
                NpuModels.quantize(ModelSource.resolve(model).model(), model, group, 16, seed, stored, new PrintWriter(new StringWriter())));
    }

    /** The timing-only model ({@link NpuModels#timingOnly}) with G = {@code group}: for runs that need cycles alone. */
    public QuantizedModel timingOnly(String model, int group, List<Double> run) throws Exception {
        List<Double> stored = NpuModels.onTheFlyRatios(run);
        return get(new Key(model, group, -1, stored), () -> NpuModels.timingOnly(ModelSource.resolve(model).model().graph(), model, group, stored));
    }

    private QuantizedModel get(Key key, java.util.concurrent.Callable<QuantizedModel> make) throws Exception {
        FutureTask<QuantizedModel> task = models.computeIfAbsent(key, k -> new FutureTask<>(make));
        task.run(); // a no-op if another thread ran it
        try {
            return task.get();
        } catch (ExecutionException ex) {
            if (ex.getCause() instanceof BadInputException b) {
                throw new InfeasibleException(b.getMessage());
            }
            throw ex.getCause() instanceof Exception c ? c : ex;
        }
    }
}
