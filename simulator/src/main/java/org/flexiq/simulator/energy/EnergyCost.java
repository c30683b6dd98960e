package org.flexiq.simulator.energy;

/** An energy per event as published: its value, the node and supply it was measured at, and where it comes from. */
public record EnergyCost(double pj, double nm, double vdd, String source) {
    /** This energy at another node and supply. */
    public double at(double toNm, double toVdd) {
        return pj * TechnologyScaling.energy(nm, vdd, toNm, toVdd);
    }
}
