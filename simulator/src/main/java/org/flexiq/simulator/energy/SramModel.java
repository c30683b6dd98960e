package org.flexiq.simulator.energy;

import org.flexiq.simulator.ConfigException;

/**
 * SRAM access energy and area as functions of capacity and port width, CACTI-style: at a fixed port width the
 * access energy grows with the depth (rows) as a power, E = E1 (D / D1)^a, whose exponent the two published
 * points at one port width fix (a = ln(E2 / E1) / ln(D2 / D1)); across widths it grows in proportion to the
 * port width (the bit lines and sense amplifiers that switch). A bank of C bytes with a W-bit port has
 * D = 8 C / W rows. Area: two published points fix A = A1 (C / C1)^b. Energies are at ({@code nm}, {@code vdd}),
 * areas at {@code areaNm}.
 */
public record SramModel(double capacity1KiB, double capacity2KiB, int portBits, double read1Pj, double read2Pj, double write1Pj,
                        double write2Pj, double nm, double vdd, String source, double areaCapacity1KiB, double areaCapacity2KiB,
                        double area1Um2, double area2Um2, double areaNm, String areaSource) {
    public SramModel {
        if (!(capacity1KiB > 0 && capacity2KiB > capacity1KiB && areaCapacity1KiB > 0 && areaCapacity2KiB > areaCapacity1KiB)) {
            throw new ConfigException("sram: the two capacities of each pair must be positive and increasing");
        }
        if (portBits < 1 || !(read1Pj > 0 && read2Pj > 0 && write1Pj > 0 && write2Pj > 0 && area1Um2 > 0 && area2Um2 > 0)) {
            throw new ConfigException("sram: portBits, energies and areas must be positive");
        }
    }

    /** Read energy per access of one bank of {@code bankKiB} with a port of {@code bits}, at the published node. */
    public double readPj(double bankKiB, int bits) {
        return fit(read1Pj, read2Pj, bankKiB, bits) * bits / portBits;
    }

    public double writePj(double bankKiB, int bits) {
        return fit(write1Pj, write2Pj, bankKiB, bits) * bits / portBits;
    }

    /** Area of an SRAM of {@code totalKiB}, at {@code areaNm} (the published points are whole banked arrays). */
    public double areaUm2(double totalKiB) {
        double b = Math.log(area2Um2 / area1Um2) / Math.log(areaCapacity2KiB / areaCapacity1KiB);
        return area1Um2 * Math.pow(totalKiB / areaCapacity1KiB, b);
    }

    /** The energy at the depth of a {@code kib} bank with a {@code bits} port (the published points share one width). */
    private double fit(double e1, double e2, double kib, int bits) {
        double a = Math.log(e2 / e1) / Math.log(capacity2KiB / capacity1KiB);
        double depth = kib * 8192 / bits;
        double depth1 = capacity1KiB * 8192 / portBits;
        return e1 * Math.pow(depth / depth1, a);
    }
}
