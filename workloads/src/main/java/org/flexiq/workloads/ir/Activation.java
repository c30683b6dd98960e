package org.flexiq.workloads.ir;

import java.util.List;

/** Element-wise activations: one input, same shape out, no parameters. */
public sealed interface Activation extends Layer permits Relu, Relu6, Gelu, Silu, Tanh, Sigmoid, Erf, Clip, Neg, Reciprocal, InverseStdDev,
        RoundToFloat16, LeakyRelu, Elu, Celu, HardSigmoid, ThresholdedRelu, Power, UnaryMath, Scale {
    @Override
    default int minInputs() {
        return 1;
    }

    @Override
    default Shape outputShape(List<Shape> inputs) {
        return inputs.get(0);
    }

    /** The activation applied to one value (float reference semantics). */
    float apply(float x);
}
