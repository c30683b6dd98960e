package org.flexiq.workloads.ir;

/**
 * A parameter tensor a layer needs. Its tensor name is {@code <node>.<role>}.
 *
 * @param role      the parameter's role within the layer: weight, bias, gamma, ...
 * @param shape     its shape, derived from the layer's attributes and input shapes
 * @param trainable false for buffers (BatchNorm's running statistics), which are not counted as parameters
 */
public record ParamSpec(String role, Shape shape, boolean trainable) {
    public static ParamSpec weight(String role, Shape shape) {
        return new ParamSpec(role, shape, true);
    }

    public static ParamSpec buffer(String role, Shape shape) {
        return new ParamSpec(role, shape, false);
    }

    public String tensorName(String nodeName) {
        return nodeName + "." + role;
    }
}
