package org.flexiq.workloads.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX node as the importer reads it: its position, op type, inputs (an empty name is an omitted optional
 * input), outputs and attributes, with the opset of its domain. Errors it raises name the node.
 */
final class OnnxNode {
    final int index;
    final NodeProto proto;
    final int opset;
    private final Map<String, AttributeProto> attrs = new HashMap<>();

    OnnxNode(int index, NodeProto proto, int opset) {
        this.index = index;
        this.proto = proto;
        this.opset = opset;
        for (AttributeProto a : proto.getAttributeList()) {
            attrs.put(a.getName(), a);
        }
    }

    String op() {
        return proto.getOpType();
    }

    /** How errors name the node: its name when it has one, else its first output; with its op type. */
    String label() {
        String n = proto.getName().isEmpty() ? (proto.getOutputCount() > 0 ? proto.getOutput(0) : "#" + index) : proto.getName();
        return "node " + index + " '" + n + "' (" + op() + ")";
    }

    List<String> inputs() {
        return proto.getInputList();
    }

    /** Input i, or "" when it is omitted or past the end. */
    String input(int i) {
        return i < proto.getInputCount() ? proto.getInput(i) : "";
    }

    String output(int i) {
        return proto.getOutput(i);
    }

    int outputCount() {
        return proto.getOutputCount();
    }

    boolean has(String name) {
        return attrs.containsKey(name);
    }

    long i(String name, long dflt) {
        AttributeProto a = attrs.get(name);
        return a == null ? dflt : a.getI();
    }

    float f(String name, float dflt) {
        AttributeProto a = attrs.get(name);
        return a == null ? dflt : a.getF();
    }

    String s(String name, String dflt) {
        AttributeProto a = attrs.get(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** A floats attribute, or null when absent. */
    float[] floats(String name) {
        AttributeProto a = attrs.get(name);
        if (a == null) {
            return null;
        }
        float[] v = new float[a.getFloatsCount()];
        for (int k = 0; k < v.length; k++) {
            v[k] = a.getFloats(k);
        }
        return v;
    }

    /** An ints attribute, or null when absent. */
    long[] ints(String name) {
        AttributeProto a = attrs.get(name);
        if (a == null) {
            return null;
        }
        long[] v = new long[a.getIntsCount()];
        for (int k = 0; k < v.length; k++) {
            v[k] = a.getInts(k);
        }
        return v;
    }

    AttributeProto attribute(String name) {
        return attrs.get(name);
    }

    UnsupportedNodeException unsupported(String why) {
        return new UnsupportedNodeException(label() + ": " + why);
    }

    /** A node the importer cannot translate; the message says what is supported. */
    static final class UnsupportedNodeException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedNodeException(String message) {
            super(message);
        }
    }
}
