package org.flexiq.compiler.quant;

/**
 * How an activation tensor's clipping range is chosen from calibration data: the largest |x| seen, or a
 * percentile of |x| (clips rare outliers, keeps resolution for the rest).
 *
 * @param percentile in (0, 100]; 100 means max
 */
public record CalibrationMethod(double percentile) {
    public static final CalibrationMethod MAX = new CalibrationMethod(100);

    public CalibrationMethod {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("calibration percentile must be in (0, 100], got " + percentile);
        }
    }

    /** "max" or "percentile:99.99". */
    public static CalibrationMethod parse(String s) {
        if (s.equals("max")) {
            return MAX;
        }
        if (s.startsWith("percentile:")) {
            try {
                return new CalibrationMethod(Double.parseDouble(s.substring("percentile:".length())));
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("calibration method '" + s + "': expected max or percentile:P with P in (0, 100]");
    }

    @Override
    public String toString() {
        return percentile == 100 ? "max" : "percentile:" + percentile;
    }
}
