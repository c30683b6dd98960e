package org.flexiq.workbench;

import java.util.Locale;

/** The timing engines: {@code fast} steps instructions, {@code cycle} steps every PE register (values computed). Both give the same counts. */
public enum Engine {
    FAST, CYCLE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Engine parse(String option, String text) {
        for (Engine e : values()) {
            if (e.id().equals(text)) {
                return e;
            }
        }
        throw new BadInputException(option + ": '" + text + "' is neither fast nor cycle");
    }
}
