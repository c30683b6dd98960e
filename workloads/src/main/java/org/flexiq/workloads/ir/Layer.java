package org.flexiq.workloads.ir;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * A layer kind: its attributes, the shape it produces from its input shapes, the parameters it needs
 * and the multiply-accumulates it performs. Implementations are records, so a layer is pure data; the
 * semantics of each kind live in the float executor ({@code exec.FloatExecutor}) and its README row.
 *
 * <p>Shapes carry no batch dimension. Images are [C, H, W]; token sequences are [T, D].
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(Conv2d.class), @JsonSubTypes.Type(Linear.class), @JsonSubTypes.Type(MatMul.class),
        @JsonSubTypes.Type(Add.class), @JsonSubTypes.Type(Mul.class), @JsonSubTypes.Type(Concat.class),
        @JsonSubTypes.Type(Relu.class), @JsonSubTypes.Type(Relu6.class), @JsonSubTypes.Type(Gelu.class),
        @JsonSubTypes.Type(Silu.class), @JsonSubTypes.Type(Tanh.class), @JsonSubTypes.Type(Sigmoid.class),
        @JsonSubTypes.Type(Erf.class), @JsonSubTypes.Type(Clip.class), @JsonSubTypes.Type(Neg.class), @JsonSubTypes.Type(RoundToFloat16.class),
        @JsonSubTypes.Type(Reciprocal.class), @JsonSubTypes.Type(InverseStdDev.class), @JsonSubTypes.Type(LeakyRelu.class),
        @JsonSubTypes.Type(Elu.class), @JsonSubTypes.Type(Celu.class), @JsonSubTypes.Type(HardSigmoid.class),
        @JsonSubTypes.Type(ThresholdedRelu.class), @JsonSubTypes.Type(Power.class), @JsonSubTypes.Type(UnaryMath.class), @JsonSubTypes.Type(Scale.class),
        @JsonSubTypes.Type(MaxPool.class), @JsonSubTypes.Type(AvgPool.class), @JsonSubTypes.Type(GlobalAvgPool.class),
        @JsonSubTypes.Type(LayerNorm.class), @JsonSubTypes.Type(BatchNorm.class), @JsonSubTypes.Type(Softmax.class),
        @JsonSubTypes.Type(Flatten.class), @JsonSubTypes.Type(Reshape.class), @JsonSubTypes.Type(Transpose.class),
        @JsonSubTypes.Type(Slice.class), @JsonSubTypes.Type(Constant.class), @JsonSubTypes.Type(Embedding.class)
})
public sealed interface Layer
        permits Conv2d, Linear, MatMul, Add, Mul, Concat, Activation, MaxPool, AvgPool, GlobalAvgPool, LayerNorm,
        BatchNorm, Softmax, Flatten, Reshape, Transpose, Slice, Constant, Embedding {

    /** The kind's name as written in files and tables. */
    default String kind() {
        return getClass().getSimpleName();
    }

    /** How many input tensors the layer takes: at least this many. */
    int minInputs();

    /** How many input tensors the layer takes: at most this many. */
    default int maxInputs() {
        return minInputs();
    }

    /** The output shape, or an {@link IrException} saying why these inputs do not fit. */
    Shape outputShape(List<Shape> inputs);

    /** The parameter tensors the layer needs for these input shapes, in a fixed order. */
    default List<ParamSpec> params(List<Shape> inputs) {
        return List.of();
    }

    /** Multiply-accumulate operations for one sample. */
    default long macs(List<Shape> inputs, Shape output) {
        return 0;
    }

    /** The shape of an element-wise layer of two inputs whose second broadcasts onto the first (Add, Mul). */
    static Shape broadcastSecond(String kind, List<Shape> inputs) {
        Shape a = inputs.get(0);
        Shape b = inputs.get(1);
        require(a.rank() == b.rank(), kind + " inputs have different ranks: " + a + " and " + b);
        for (int i = 0; i < a.rank(); i++) {
            require(b.dim(i) == a.dim(i) || b.dim(i) == 1, kind + " cannot broadcast " + b + " onto " + a);
        }
        return a;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IrException(message);
        }
    }
}
