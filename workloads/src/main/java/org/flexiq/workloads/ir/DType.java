package org.flexiq.workloads.ir;

import com.fasterxml.jackson.annotation.JsonValue;

/** Element types a tensor can hold in memory and in a .flx file. */
public enum DType {
    F32("f32", 4), I8("i8", 1), I32("i32", 4);

    private final String id;
    private final int bytes;

    DType(String id, int bytes) {
        this.id = id;
        this.bytes = bytes;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public int bytesPerElement() {
        return bytes;
    }

    /** The type written as {@code id} in files, or null when none is. */
    public static DType byId(String id) {
        for (DType t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        return null;
    }
}
