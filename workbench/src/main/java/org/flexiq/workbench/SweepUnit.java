package org.flexiq.workbench;

/** One (array, group width) pair of a sweep: compiled once, its ratios timed on that program. */
public record SweepUnit(int rows, int cols, int group) implements java.io.Serializable {
}
