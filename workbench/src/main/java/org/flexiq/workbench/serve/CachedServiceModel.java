package org.flexiq.workbench.serve;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A service model that computes each (ratio, batch) once, whichever thread asks first, over ratios kept ascending. */
abstract class CachedServiceModel implements ServiceModel {
    private final List<Double> ratios;
    private final Map<Long, Double> cache = new ConcurrentHashMap<>();

    CachedServiceModel(List<Double> ratios) {
        List<Double> sorted = new ArrayList<>(ratios);
        Collections.sort(sorted);
        this.ratios = List.copyOf(sorted);
    }

    /** Seconds for a batch, computed by the engine or model behind this service. */
    abstract double compute(double ratio, int batch);

    @Override
    public final List<Double> ratios() {
        return ratios;
    }

    @Override
    public final double seconds(double ratio, int batch) {
        return cache.computeIfAbsent(Double.doubleToLongBits(ratio) * 31 + batch, k -> compute(ratio, batch));
    }
}
