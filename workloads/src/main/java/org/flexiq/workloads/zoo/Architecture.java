package org.flexiq.workloads.zoo;

/** Defines one zoo architecture's nodes on a builder and names the graph outputs. */
@FunctionalInterface
interface Architecture {
    String[] define(GraphBuilder b, ZooOptions o);
}
