package org.flexiq.simulator.energy;

import org.flexiq.simulator.ConfigException;
import org.flexiq.simulator.ConfigJson;

import java.util.Map;
import java.util.TreeMap;

/**
 * The energy and area model's parameters as published (each with its node, supply and source), and the node and
 * supply to evaluate them at. {@link EnergyTable#of} resolves them for one NPU, whose config names its DRAM and PE
 * type. The shipped set is {@code published-45nm} (simulator/README.md, "Energy and area", cites every value).
 *
 * @param registerBit   a register bit written or read: PE weight registers (8 per byte), control registers (32), and
 *                      the byte moved by a reorder
 * @param int4LaneExtra the area a second 4-bit multiply-add lane adds to an int8 PE
 * @param adder         a 32-bit adder's area: one per vector lane, and per column for the group shifter
 * @param registerBitArea a register bit's area: the transposer's R x R bytes
 */
public record EnergyParameters(String name, String description, double technologyNm, double vdd, Map<String, Double> dramPjPerBit, String dramSource, EnergyCost macInt8, EnergyCost macInt4,
                               EnergyCost registerBit, EnergyCost accumulateAdd, EnergyCost groupShift, EnergyCost extract,
                               EnergyCost requant, EnergyCost vectorOp, SramModel sram, AreaCost peInt8, AreaCost int4LaneExtra,
                               AreaCost vectorLaneMultiplier, AreaCost adder, AreaCost registerBitArea, LeakageCost leakage) {
    public static final String DEFAULT = "published-45nm";


    public EnergyParameters {
        dramPjPerBit = java.util.Collections.unmodifiableMap(new TreeMap<>(dramPjPerBit));
        TechnologyScaling.energy(technologyNm, vdd, technologyNm, vdd); // range checks
    }

    /** Energy per bit of a DRAM kind; an unknown kind is an error naming the known ones. */
    public double dramPjPerBit(String type) {
        Double v = dramPjPerBit.get(type);
        if (v == null) {
            throw new ConfigException(name + ": dramType '" + type + "' has no energy per bit; known: " + String.join(", ", dramPjPerBit.keySet())
                    + " (give its pJ per bit in your own parameter file)");
        }
        return v;
    }

    public EnergyParameters withNode(double nm, double volts) {
        return new EnergyParameters(name, description, nm, volts, dramPjPerBit, dramSource, macInt8, macInt4, registerBit, accumulateAdd,
                groupShift, extract, requant, vectorOp, sram, peInt8, int4LaneExtra, vectorLaneMultiplier, adder, registerBitArea, leakage);
    }

    /** The shipped set by name, or a JSON file of the same form. */
    public static EnergyParameters load(String nameOrPath) {
        if (nameOrPath.endsWith(".json")) {
            return parse(nameOrPath, ConfigJson.file(nameOrPath));
        }
        if (!nameOrPath.equals(DEFAULT)) {
            throw new ConfigException("unknown energy parameter set '" + nameOrPath + "'; shipped: " + DEFAULT
                    + " (or a .json parameter file, or an Accelergy ERT .yaml)");
        }
        return parse(DEFAULT, ConfigJson.resource(EnergyParameters.class, DEFAULT + ".json"));
    }

    /** Parameters from JSON bytes; errors name {@code label} and the field. */
    public static EnergyParameters parse(String label, byte[] json) {
        return ConfigJson.read(label, json, EnergyParameters.class);
    }
}
