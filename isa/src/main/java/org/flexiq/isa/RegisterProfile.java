package org.flexiq.isa;

import java.util.Map;
import java.util.TreeMap;

/**
 * Register values written before a run: one profile per stored 4-bit ratio, holding MAX_4BIT_CH for
 * every 4-bit-capable layer. Switching ratio is writing another profile; the code does not change.
 */
public record RegisterProfile(String name, Map<Integer, Integer> values) {
    public RegisterProfile {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }
}
