package org.flexiq.workloads.ir;

/** An element-wise function without parameters that ONNX names as an op (Exp, Log, Abs, Sqrt, Softplus...). */
public record UnaryMath(Function function) implements Activation {
    /** The functions, by ONNX op type. */
    public enum Function {
        EXP("Exp"), LOG("Log"), ABS("Abs"), SQRT("Sqrt"), FLOOR("Floor"), CEIL("Ceil"), ROUND("Round"), SIGN("Sign"),
        SOFTPLUS("Softplus"), SOFTSIGN("Softsign"), MISH("Mish");

        public final String onnxOp;

        Function(String onnxOp) {
            this.onnxOp = onnxOp;
        }

        /** The function ONNX names {@code op}, or null. */
        public static Function ofOnnx(String op) {
            for (Function f : values()) {
                if (f.onnxOp.equals(op)) {
                    return f;
                }
            }
            return null;
        }
    }

    public UnaryMath {
        Layer.require(function != null, "UnaryMath.function is missing");
    }

    @Override
    public float apply(float x) {
        return (float) switch (function) {
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case ABS -> Math.abs(x);
            case SQRT -> Math.sqrt(x);
            case FLOOR -> Math.floor(x);
            case CEIL -> Math.ceil(x);
            case ROUND -> Math.rint(x); // half to even, as ONNX's Round
            case SIGN -> Math.signum(x);
            case SOFTPLUS -> softplus(x);
            case SOFTSIGN -> x / (1.0 + Math.abs(x));
            case MISH -> x * Math.tanh(softplus(x));
        };
    }

    /** ln(1 + e^x) without overflow for large x. */
    private static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }
}
