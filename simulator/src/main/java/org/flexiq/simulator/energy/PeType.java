package org.flexiq.simulator.energy;

import org.flexiq.simulator.ConfigException;

/** The PE the array is built of: FlexiQ's (an int8 MAC with a second int4 lane) or a plain int8 one. */
public enum PeType {
    DUAL_INT4("dual-int4"),
    INT8("int8");

    private final String id;

    PeType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static PeType of(String label, String id) {
        for (PeType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new ConfigException(label + ": peType '" + id + "' is neither dual-int4 nor int8");
    }
}
