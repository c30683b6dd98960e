package org.flexiq.simulator.energy;

/** An area as published: its value in um², the node it was measured at, and where it comes from. */
public record AreaCost(double um2, double nm, String source) {
    public double at(double toNm) {
        return um2 * TechnologyScaling.area(nm, toNm);
    }
}
