package org.flexiq.compiler.eval;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/** Top-1 accuracy over labeled images, samples spread over all cores (the count does not depend on order). */
public final class Accuracy {
    private Accuracy() {
    }

    public static double floatTop1(Model model, LabeledImages data) {
        FloatExecutor exec = new FloatExecutor(model);
        String in = model.graph().inputs().get(0).name();
        String out = model.graph().outputs().get(0);
        return top1(data, i -> exec.run(Map.of(in, data.image(i))).get(out).data());
    }

    public static double goldenTop1(GoldenExecutor exec, LabeledImages data) {
        String in = exec.model().graph().inputs().get(0).name();
        String out = exec.model().graph().outputs().get(0);
        return top1(data, i -> exec.runDequantized(Map.<String, FloatTensor>of(in, data.image(i))).get(out));
    }

    private static double top1(LabeledImages data, Function<Integer, float[]> logits) {
        long correct = IntStream.range(0, data.size()).parallel()
                .filter(i -> argmax(logits.apply(i)) == data.label(i)).count();
        return (double) correct / data.size();
    }

    /** Index of the largest value; the first one on ties. */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
