package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Celu;
import org.flexiq.workloads.ir.Elu;
import org.flexiq.workloads.ir.Gelu;
import org.flexiq.workloads.ir.HardSigmoid;
import org.flexiq.workloads.ir.LeakyRelu;
import org.flexiq.workloads.ir.ThresholdedRelu;
import org.flexiq.workloads.ir.UnaryMath;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Silu;
import org.flexiq.workloads.ir.Erf;
import org.flexiq.workloads.ir.Neg;
import org.flexiq.workloads.ir.Reciprocal;
import org.flexiq.workloads.ir.Sigmoid;
import org.flexiq.workloads.ir.Tanh;

import java.util.List;

/**
 * Translates one ONNX node on activations into IR layers, or refuses it naming what is supported. Weights
 * must be known at import time (initializers or folded constants); ONNX axes are mapped past the batch.
 */
final class NodeTranslator extends OpTranslator {
    static final String SUPPORTED = "Conv, ConvTranspose, Gemm, MatMul, Add, Sub, Mul, Div, Relu, Clip, Tanh, "
            + "Sigmoid, Erf, Neg, Reciprocal, LeakyRelu, Elu, Selu, Celu, HardSigmoid, HardSwish, ThresholdedRelu, Softplus, Softsign, "
            + "Mish, Exp, Log, Abs, Sqrt, Floor, Ceil, Round, Sign, Pow (a constant scalar exponent), PRelu, Sum, Mean, Max, Min, Gelu, Softmax, LayerNormalization, BatchNormalization, InstanceNormalization, MaxPool, AveragePool, "
            + "GlobalAveragePool, GlobalMaxPool, ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceSumSquare, ReduceL1, ReduceL2, "
            + "ReduceLogSum, ReduceLogSumExp, Flatten, Reshape, Transpose, Concat, Gather, Split, Slice, Squeeze, Unsqueeze, "
            + "Pad, Tile, Resize and Upsample, Identity, Dropout, Expand, Cast, QuantizeLinear/DequantizeLinear";

    private final LayerOps layers;
    private final PoolOps pools;
    private final ConvOps convs;
    private final ElementwiseOps elementwise;
    private final DataMovementOps movement;

    NodeTranslator(OnnxImporter context) {
        super(context);
        layers = new LayerOps(context);
        pools = new PoolOps(context);
        convs = new ConvOps(context);
        elementwise = new ElementwiseOps(context);
        movement = new DataMovementOps(context);
    }

    /** Inputs each op needs present (the rest are optional). */
    private static int required(OnnxNode n) {
        return switch (n.op()) {
            case "Conv", "ConvTranspose", "Gemm", "MatMul", "PRelu", "Tile", "Add", "Sub", "Mul", "Div", "Pow", "Gather", "Reshape", "Expand", "LayerNormalization",
                 "QuantizeLinear", "DequantizeLinear" -> 2;
            case "Slice" -> n.opset < 10 ? 1 : 3; // starts and ends were attributes before opset 10
            case "Pad" -> n.opset < 11 ? 1 : 2; // pads were an attribute before opset 11
            case "BatchNormalization" -> 5;
            case "InstanceNormalization" -> 3;
            default -> 1;
        };
    }

    List<Value> translate(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        int need = required(n);
        for (int i = 0; i < need; i++) {
            if (i >= in.size() || in.get(i) == null) {
                throw n.unsupported("input " + i + " is missing (" + n.op() + " needs " + need + ")");
            }
        }
        return switch (n.op()) {
            case "Conv" -> one(convs.conv(n, in));
            case "ConvTranspose" -> one(convs.convTranspose(n, in));
            case "Gemm" -> one(layers.gemm(n, in));
            case "MatMul" -> one(layers.matMul(n, in));
            case "Add", "Sub" -> one(elementwise.addOrSub(n, in));
            case "Mul", "Div" -> one(elementwise.scale(n, in));
            case "Relu" -> one(elementwise.unary(n, in, new Relu()));
            case "Tanh" -> one(elementwise.unary(n, in, new Tanh()));
            case "Sigmoid" -> one(elementwise.unary(n, in, new Sigmoid()));
            case "Erf" -> one(elementwise.unary(n, in, new Erf()));
            case "Neg" -> one(elementwise.unary(n, in, new Neg()));
            case "Reciprocal" -> one(elementwise.unary(n, in, new Reciprocal()));
            case "Clip" -> one(elementwise.clip(n, in));
            case "LeakyRelu" -> one(elementwise.unary(n, in, new LeakyRelu(n.f("alpha", 0.01f))));
            case "Elu" -> one(elementwise.unary(n, in, new Elu(n.f("alpha", 1f), 1f)));
            case "Selu" -> one(elementwise.unary(n, in, new Elu(n.f("alpha", 1.67326319217681884765625f), n.f("gamma", 1.05070102214813232421875f))));
            case "Celu" -> one(elementwise.unary(n, in, new Celu(n.f("alpha", 1f))));
            case "HardSigmoid" -> one(elementwise.unary(n, in, new HardSigmoid(n.f("alpha", 0.2f), n.f("beta", 0.5f), false)));
            case "HardSwish" -> one(elementwise.unary(n, in, new HardSigmoid(1f / 6, 0.5f, true)));
            case "ThresholdedRelu" -> one(elementwise.unary(n, in, new ThresholdedRelu(n.f("alpha", 1f))));
            case "Exp", "Log", "Abs", "Sqrt", "Floor", "Ceil", "Round", "Sign", "Softplus", "Softsign", "Mish" ->
                    one(elementwise.unary(n, in, new UnaryMath(UnaryMath.Function.ofOnnx(n.op()))));
            case "Pow" -> one(elementwise.power(n, in));
            case "PRelu" -> one(elementwise.prelu(n, in));
            case "Sum", "Mean", "Max", "Min" -> one(elementwise.variadic(n, in));
            case "Tile" -> one(movement.tile(n, in));
            case "Gelu" -> one(elementwise.gelu(n, in));
            case "Softmax" -> one(elementwise.softmax(n, in, 1.0));
            case "LayerNormalization" -> layers.layerNormalization(n, in);
            case "BatchNormalization" -> one(layers.batchNorm(n, in));
            case "InstanceNormalization" -> one(layers.instanceNormalization(n, in));
            case "MaxPool", "AveragePool" -> pools.pool(n, in);
            case "GlobalAveragePool" -> one(layers.globalPool(n, live(n, in, 0), true));
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceSumSquare", "ReduceL1", "ReduceL2", "ReduceLogSum",
                 "ReduceLogSumExp", "GlobalMaxPool" -> one(layers.reduce(n, in));
            case "Flatten" -> one(movement.reshapeTo(n, live(n, in, 0), DimensionRules.flatten(c.onnxDims(live(n, in, 0)), (int) n.i("axis", 1), n)));
            case "Reshape" -> one(movement.reshapeTo(n, live(n, in, 0), DimensionRules.reshape(c.onnxDims(live(n, in, 0)),
                    known(n, in, 1, "shape").asLongs(), n.i("allowzero", 0) != 0, n)));
            case "Squeeze" -> one(movement.reshapeTo(n, live(n, in, 0), DimensionRules.squeeze(c.onnxDims(live(n, in, 0)), axes(n, in), n)));
            case "Unsqueeze" -> one(movement.reshapeTo(n, live(n, in, 0), DimensionRules.unsqueeze(c.onnxDims(live(n, in, 0)), axes(n, in), n)));
            case "Transpose" -> one(movement.transpose(n, in));
            case "Concat" -> one(movement.concat(n, in));
            case "Gather" -> one(movement.gather(n, in));
            case "Pad" -> one(movement.pad(n, in));
            case "Resize", "Upsample" -> one(movement.resize(n, in));
            case "Slice" -> one(movement.slice(n, in));
            case "Split" -> movement.split(n, in);
            case "Identity" -> one(live(n, in, 0));
            case "Dropout" -> one(elementwise.dropout(n, in));
            case "Expand" -> one(elementwise.expand(n, in));
            case "Cast" -> one(elementwise.cast(n, in));
            case "QuantizeLinear", "DequantizeLinear" -> one(elementwise.qdq(n, in));
            default -> throw n.unsupported("op type " + n.op() + " is not supported on activations; supported: " + SUPPORTED);
        };
    }

    Value pattern(PatternMatch pm, Value.Live x) throws OnnxNode.UnsupportedNodeException {
        OnnxNode last = c.index.nodes.get(pm.last());
        if (pm instanceof PatternMatch.LayerNormMatch ln) {
            ConstTensor g = ln.gamma() == null ? null : c.index.known.get(ln.gamma());
            ConstTensor b = ln.beta() == null ? null : c.index.known.get(ln.beta());
            return layers.layerNorm(ln.output(), x, ln.eps(), g, b, last);
        } else if (pm instanceof PatternMatch.GeluMatch g) {
            return new Value.Live(c.ir.add(g.output(), new Gelu(), x.tensor()), x.batched());
        } else if (pm instanceof PatternMatch.SiluMatch s) {
            return new Value.Live(c.ir.add(s.output(), new Silu(), x.tensor()), x.batched());
        } else if (pm instanceof PatternMatch.ScaledSoftmaxMatch s) {
            return elementwise.softmax(c.index.nodes.get(s.softmax()), List.of(x), s.scale());
        }
        throw new IllegalStateException("pattern " + pm);
    }
}
