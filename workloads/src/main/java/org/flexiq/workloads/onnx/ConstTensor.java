package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Shape;

import java.util.Arrays;

/**
 * A tensor whose value is known at import time: an initializer, a Constant node, or what constant folding
 * made of them (shape arithmetic included). Integral ONNX types (int64 shapes, int32, bool) keep exact
 * {@code long} values; floating types are held as float, as ONNX's float32 graphs compute them.
 *
 * @param dims   ONNX dimensions; rank 0 is a scalar, a 0 dimension an empty tensor
 * @param floats the elements, row-major, when the tensor is floating; else null
 * @param longs  the elements, row-major, when the tensor is integral or boolean; else null
 * @param type   the ONNX data type it was read as (FLOAT or INT64 for values computed here)
 */
record ConstTensor(int[] dims, float[] floats, long[] longs, int type) {
    ConstTensor {
        if ((floats == null) == (longs == null)) {
            throw new IllegalArgumentException("exactly one of floats and longs");
        }
        long n = count(dims);
        if (n != (floats != null ? floats.length : longs.length)) {
            throw new IllegalArgumentException("element count " + n + " for dims " + Arrays.toString(dims));
        }
    }

    static ConstTensor ofFloats(int[] dims, float[] values) {
        return new ConstTensor(dims.clone(), values, null, TensorDecoder.FLOAT);
    }

    static ConstTensor ofLongs(int[] dims, long[] values) {
        return new ConstTensor(dims.clone(), null, values, TensorDecoder.INT64);
    }

    ConstTensor withType(int onnxType) {
        return new ConstTensor(dims, floats, longs, onnxType);
    }

    /** Whether its ONNX type is a signed one (uint and bool are not). */
    boolean signed() {
        return type != TensorDecoder.UINT8 && type != TensorDecoder.UINT16 && type != TensorDecoder.UINT32
                && type != TensorDecoder.UINT64 && type != TensorDecoder.BOOL;
    }

    static ConstTensor vector(long... values) {
        return ofLongs(new int[]{values.length}, values);
    }

    static long count(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    boolean integral() {
        return longs != null;
    }

    int rank() {
        return dims.length;
    }

    int size() {
        return floats != null ? floats.length : longs.length;
    }

    double get(int i) {
        return floats != null ? floats[i] : longs[i];
    }

    long longAt(int i) {
        return longs != null ? longs[i] : (long) floats[i];
    }

    float[] asFloats() {
        if (floats != null) {
            return floats;
        }
        float[] f = new float[longs.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = longs[i];
        }
        return f;
    }

    /** The float tensor of {@code f} applied to every value. */
    ConstTensor map(java.util.function.DoubleUnaryOperator f) {
        float[] v = asFloats().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) f.applyAsDouble(v[i]);
        }
        return ofFloats(dims(), v);
    }

    long[] asLongs() {
        if (longs != null) {
            return longs;
        }
        long[] l = new long[floats.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (long) floats[i];
        }
        return l;
    }

    /** The single value of a scalar or one-element tensor, or NaN when it has more elements. */
    double scalar() {
        return size() == 1 ? get(0) : Double.NaN;
    }

    ConstTensor withDims(int[] newDims) {
        return new ConstTensor(newDims.clone(), floats, longs, type);
    }

    /** As an IR float tensor of {@code shape} (same element count). */
    FloatTensor toFloatTensor(Shape shape) {
        return new FloatTensor(shape, asFloats().clone());
    }

    String describe() {
        return (integral() ? "int" : "float") + Arrays.toString(dims);
    }
}
