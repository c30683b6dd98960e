package org.flexiq.gpubackend;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's GPU plan at several ratios ({@link GpuPlan}: every kernel with the figures the timing model prices it by) as
 * CSV, one kernel a line. {@code sim gpu MODEL --kernels FILE} writes it; the paper's calibration
 * ({@link PaperPipelineTiming}) reads the committed ViT-B/16 one, so that fitting needs no two-minute quantization.
 */
public final class GpuPlanCsv {
    public static final String HEADER = "ratio,name,kind,m,n,k8,k4,issued_k8,issued_k4,shift_slices,bytes,cuda_ops";

    private GpuPlanCsv() {
    }

    /** The plans in the order given; names keep no comma or white space (replaced by '_'). */
    public static String write(Map<Double, List<GpuLayer>> plans) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<Double, List<GpuLayer>> e : plans.entrySet()) {
            String ratio = BigDecimal.valueOf(e.getKey()).stripTrailingZeros().toPlainString();
            for (GpuLayer l : e.getValue()) {
                b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,%d%n", ratio, l.name().replaceAll("[,\\s]", "_"), l.kind(),
                        l.m(), l.n(), l.k8(), l.k4(), l.issuedK8(), l.issuedK4(), l.shiftSlices(), l.bytes(), l.cudaOps()));
            }
        }
        return b.toString();
    }

    /** A committed plan under org/flexiq/gpubackend/plans/. */
    public static Map<Double, List<GpuLayer>> resource(String file) {
        return byRatio(CsvRows.resource("plans/" + file, HEADER, GpuPlanCsv::row));
    }

    public static Map<Double, List<GpuLayer>> read(String name, InputStream in) throws IOException {
        return byRatio(CsvRows.read(name, in, HEADER, GpuPlanCsv::row));
    }

    /** One line: a kernel at a ratio. */
    private record Line(double ratio, GpuLayer layer) {
    }

    private static Line row(String[] f) {
        long[] v = new long[9];
        for (int i = 0; i < 9; i++) {
            v[i] = Long.parseLong(f[3 + i]);
        }
        return new Line(Double.parseDouble(f[0]), new GpuLayer(f[1], f[2], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]));
    }

    private static Map<Double, List<GpuLayer>> byRatio(List<Line> lines) {
        Map<Double, List<GpuLayer>> out = new LinkedHashMap<>();
        for (Line l : lines) {
            out.computeIfAbsent(l.ratio(), k -> new ArrayList<>()).add(l.layer());
        }
        return out;
    }
}
