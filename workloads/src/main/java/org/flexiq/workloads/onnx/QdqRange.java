package org.flexiq.workloads.onnx;

/**
 * The symmetric activation range a QuantizeLinear's parameters stand for. Our contract is symmetric int8 with
 * scale = range / 127: a symmetric int8 pair (zero point 0) maps to range 127 x scale, the same scale exactly;
 * any other (uint8, ONNX's default, or a non-zero zero point) to the larger side of what it represents, so
 * nothing it could carry saturates.
 */
final class QdqRange {
    private QdqRange() {
    }

    static double of(double scale, ConstTensor zeroPoint) {
        // ONNX's default zero point is a uint8 0: the pair then carries 0..255 x scale
        long zp = zeroPoint == null ? 0 : zeroPoint.longAt(0);
        boolean unsigned = zeroPoint == null || !zeroPoint.signed();
        long lo = unsigned ? 0 : -128;
        long hi = unsigned ? 255 : 127;
        if (zp == 0 && !unsigned) {
            return 127 * scale;
        }
        return scale * Math.max(hi - zp, zp - lo);
    }
}
