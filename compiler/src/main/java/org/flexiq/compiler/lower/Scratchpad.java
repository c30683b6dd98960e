package org.flexiq.compiler.lower;

/** Bump allocation of one layer's scratchpad buffers; what does not fit is an infeasible layer, named. */
final class Scratchpad {
    private final int capacity;
    private final String layer;
    private int top;
    private int peak;

    Scratchpad(int capacity, String layer) {
        this.capacity = capacity;
        this.layer = layer;
    }

    int alloc(long bytes, String what) {
        int at = (top + 7) & ~7;
        if (at + bytes > capacity) {
            throw new InfeasibleException("layer " + layer + ": " + what + " (" + bytes + " bytes) does not fit the scratchpad: "
                    + at + " of " + capacity + " bytes are already taken");
        }
        top = at + (int) bytes;
        peak = Math.max(peak, top);
        return at;
    }

    int peak() {
        return peak;
    }
}
