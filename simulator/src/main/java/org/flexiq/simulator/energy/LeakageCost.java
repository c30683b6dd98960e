package org.flexiq.simulator.energy;

/** A published leakage power over the area that leaks it: a power density at ({@code nm}, {@code vdd}). */
public record LeakageCost(double uw, double um2, double nm, double vdd, String source) {
    /**
     * mW per mm² at another node and supply: the power scales as energy does (at one clock) and the area it spreads
     * over as area does.
     */
    public double mwPerMm2At(double toNm, double toVdd) {
        return uw / um2 * 1000 * TechnologyScaling.energy(nm, vdd, toNm, toVdd) / TechnologyScaling.area(nm, toNm);
    }
}
