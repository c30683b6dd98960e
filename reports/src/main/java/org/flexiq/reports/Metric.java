package org.flexiq.reports;

/** What a sweep chart plots, with its unit in the axis label. */
public enum Metric {
    LATENCY("latency", "latency (us per inference)"),
    PE_UTILIZATION("utilization", "PE utilization (%)"),
    SPEEDUP("speedup", "speedup over 0% 4-bit (x)"),
    ENERGY("energy", "energy (uJ per inference)"),
    ENERGY_DELAY("energy-delay", "energy x delay (uJ x ms)");

    private final String id;
    private final String axis;

    Metric(String id, String axis) {
        this.id = id;
        this.axis = axis;
    }

    public String id() {
        return id;
    }

    public String axis() {
        return axis;
    }

    public double of(SweepPoint p) {
        return switch (this) {
            case LATENCY -> p.latencyUs();
            case PE_UTILIZATION -> 100 * p.peUtilization();
            case SPEEDUP -> p.speedup();
            case ENERGY -> p.energyPj() / 1e6;
            case ENERGY_DELAY -> p.energyDelay();
        };
    }
}
