package org.flexiq.simulator;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A timed run: total cycles and per-layer statistics (the layer windows sum to the total). */
public record RunStats(String engine, NpuConfig config, String profile, long cycles, List<LayerStats> layers) {
    public RunStats {
        layers = List.copyOf(layers);
    }

    public double latencyMicroseconds() {
        return cycles / config.clockMHz();
    }

    public long int8Macs() {
        return layers.stream().mapToLong(LayerStats::int8Macs).sum();
    }

    public long int4Macs() {
        return layers.stream().mapToLong(LayerStats::int4Macs).sum();
    }

    public long dmaBytes() {
        return layers.stream().mapToLong(LayerStats::dmaBytes).sum();
    }

    public EventCounts events() {
        return EventCounts.sum(layers.stream().map(LayerStats::events).toList());
    }

    public Map<Activity, Long> breakdown() {
        Map<Activity, Long> total = new EnumMap<>(Activity.class);
        for (LayerStats l : layers) {
            l.breakdown().forEach((a, c) -> total.merge(a, c, Long::sum));
        }
        return total;
    }

    /** (int8 + int4 / 2) / (R C cycles): the whole run's PE utilization. */
    public double peUtilization() {
        return cycles == 0 ? 0 : (int8Macs() + int4Macs() / 2.0) / ((double) config.arrayRows() * config.arrayCols() * cycles);
    }

    /** Gemmini's figure: total MACs / (R C) / cycles, an int4 MAC counting as one. */
    public double gemminiUtilization() {
        return cycles == 0 ? 0 : (int8Macs() + int4Macs()) / ((double) config.arrayRows() * config.arrayCols() * cycles);
    }
}
