package org.flexiq.simulator.energy;

import org.flexiq.simulator.ConfigException;

/**
 * Node scaling after Stillmaker and Baas, "Scaling equations for the accurate prediction of CMOS device
 * performance from 180 nm to 7 nm", Integration 58 (2017), in the tabulated form Accelergy's hwcomponents use
 * (simulator/README.md cites both). Area: relative cell area per node. Energy: a polynomial in the supply voltage
 * per node, a V² + b V + c, so that scaling from (node1, V1) to (node2, V2) multiplies by P2(V2) / P1(V1).
 * Between tabulated nodes both are interpolated linearly in log(node) (area in log(area)).
 */
public final class TechnologyScaling {
    private static final double[] NODES_NM = {130, 90, 65, 45, 32, 20, 16, 14, 10, 7};
    /** Area relative to 130 nm (the first row of the published table). */
    private static final double[] AREA = {1, 0.44, 0.23, 0.16, 0.072, 0.033, 0.03, 0.027, 0.016, 0.0092};
    private static final double[][] ENERGY_POLY = {
            {7.171, -6.709, 2.904}, {4.762, -4.781, 2.092}, {3.755, -4.398, 1.975}, {1.103, -0.362, 0.2767},
            {0.9559, -0.7823, 0.471}, {0.373, -0.1582, 0.04104}, {0.2958, -0.1241, 0.03024}, {0.2363, -0.09675, 0.02239},
            {0.2068, -0.09311, 0.02375}, {0.1776, -0.09097, 0.02447}};

    private TechnologyScaling() {
    }

    public static double minNodeNm() {
        return NODES_NM[NODES_NM.length - 1];
    }

    public static double maxNodeNm() {
        return NODES_NM[0];
    }

    /** What an area at {@code fromNm} becomes at {@code toNm}. */
    public static double area(double fromNm, double toNm) {
        return Math.exp(logArea(toNm) - logArea(fromNm));
    }

    /** What an energy at ({@code fromNm}, {@code fromVdd}) becomes at ({@code toNm}, {@code toVdd}). */
    public static double energy(double fromNm, double fromVdd, double toNm, double toVdd) {
        return energyIndex(toNm, toVdd) / energyIndex(fromNm, fromVdd);
    }

    private static double logArea(double nm) {
        int i = segment(nm);
        double t = fraction(nm, i);
        return (1 - t) * Math.log(AREA[i]) + t * Math.log(AREA[i + 1]);
    }

    private static double energyIndex(double nm, double vdd) {
        if (!(vdd > 0.3 && vdd < 2)) {
            throw new ConfigException("vdd " + vdd + " V is outside the scaling equations' range (0.3 to 2 V)");
        }
        int i = segment(nm);
        double t = fraction(nm, i);
        return (1 - t) * poly(ENERGY_POLY[i], vdd) + t * poly(ENERGY_POLY[i + 1], vdd);
    }

    private static double poly(double[] p, double v) {
        return p[0] * v * v + p[1] * v + p[2];
    }

    /** The tabulated interval [NODES[i], NODES[i+1]] holding {@code nm}. */
    private static int segment(double nm) {
        if (!(nm >= minNodeNm() && nm <= maxNodeNm())) {
            throw new ConfigException("technology node " + nm + " nm is outside the scaling table (" + minNodeNm() + " to " + maxNodeNm() + " nm)");
        }
        for (int i = 0; i < NODES_NM.length - 2; i++) {
            if (nm >= NODES_NM[i + 1]) {
                return i;
            }
        }
        return NODES_NM.length - 2;
    }

    private static double fraction(double nm, int i) {
        return Math.log(NODES_NM[i] / nm) / Math.log(NODES_NM[i] / NODES_NM[i + 1]);
    }
}
