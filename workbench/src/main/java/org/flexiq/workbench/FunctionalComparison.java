package org.flexiq.workbench;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.IoTensor;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.ExecutionCounts;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.workloads.ir.FloatTensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one input through a compiled program (functional executor) and through the golden executor, and
 * compares every output byte. The NPU only ever sees the integer codes the golden executor starts from.
 */
public final class FunctionalComparison {
    private FunctionalComparison() {
    }

    /** Outputs of both paths; {@code mismatch} names the first differing output element, or is null. */
    public record Outcome(Map<String, byte[]> npu, Map<String, byte[]> golden, String mismatch, ExecutionCounts counts) {
        public boolean matched() {
            return mismatch == null;
        }
    }

    public static Outcome run(QuantizedModel model, NpuProgram program, double ratio, Extraction extraction, Map<String, FloatTensor> input) {
        GoldenExecutor golden = new GoldenExecutor(model, ratio, extraction);
        return check(program, ratio, extraction, codes(golden, program, input), golden.run(input));
    }

    /** The program's inputs as the golden executor quantizes them: int8 codes, or token ids. */
    public static Map<String, int[]> codes(GoldenExecutor golden, NpuProgram program, Map<String, FloatTensor> input) {
        GoldenExecutor.IntState state = golden.inputs(input);
        Map<String, int[]> codes = new HashMap<>();
        for (IoTensor in : program.tensors(IoTensor.Role.INPUT)) {
            int[] ids = state.ids(in.name());
            if (ids != null) {
                codes.put(in.name(), ids);
            } else {
                byte[] b = state.tensor(in.name());
                int[] v = new int[b.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = b[i];
                }
                codes.put(in.name(), v);
            }
        }
        return codes;
    }

    /** Runs the program on {@code codes} at a ratio and compares with outputs the golden executor gave. */
    public static Outcome check(NpuProgram program, double ratio, Extraction extraction, Map<String, int[]> codes, Map<String, byte[]> golden) {
        if (extraction == Extraction.NAIVE || extraction == Extraction.STATIC_MAX) {
            throw new IllegalArgumentException("the NPU program carries effective (static) shift tables: run it static or dynamic");
        }
        FunctionalExecutor.Result npu = FunctionalExecutor.run(program, NpuCompiler.profileName(ratio),
                NpuRuns.mode(extraction), codes);
        String mismatch = null;
        for (Map.Entry<String, byte[]> e : golden.entrySet()) {
            byte[] got = npu.outputs().get(e.getKey());
            for (int i = 0; mismatch == null && i < e.getValue().length; i++) {
                if (got == null || got[i] != e.getValue()[i]) {
                    mismatch = e.getKey() + "[" + i + "]: npu " + (got == null ? "missing" : got[i]) + ", golden " + e.getValue()[i];
                }
            }
        }
        return new Outcome(npu.outputs(), golden, mismatch, npu.counts());
    }

    /** Whether every output {@code expected} names has the same bytes in {@code got}. */
    public static boolean sameOutputs(Map<String, byte[]> expected, Map<String, byte[]> got) {
        return expected.entrySet().stream().allMatch(x -> Arrays.equals(got.get(x.getKey()), x.getValue()));
    }

    /**
     * Several inputs through the program at one ratio, each compared with the golden executor.
     *
     * @param matched how many inputs gave the golden outputs
     * @param mismatches the first differing element of each input that differed, up to the first five
     * @param counts what the program executed for the last input
     */
    public record Batch(int inputs, int matched, List<String> mismatches, ExecutionCounts counts) {
        public Batch {
            mismatches = List.copyOf(mismatches);
        }
    }

    public static Batch over(QuantizedModel model, NpuProgram program, double ratio, Extraction extraction, List<Map<String, FloatTensor>> inputs) {
        GoldenExecutor golden = new GoldenExecutor(model, ratio, extraction);
        // inputs are independent: both cores, outcomes in input order
        List<Outcome> outcomes = inputs.parallelStream().map(in -> check(program, ratio, extraction, codes(golden, program, in), golden.run(in)))
                .toList();
        int matched = 0;
        List<String> mismatches = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.matched()) {
                matched++;
            } else if (mismatches.size() < 5) {
                mismatches.add(o.mismatch());
            }
        }
        return new Batch(inputs.size(), matched, mismatches, outcomes.get(outcomes.size() - 1).counts());
    }

    /** A batched program's inputs: every image's codes ({@link #codes(GoldenExecutor, NpuProgram, Map)}), one after another. */
    public static Map<String, int[]> codes(GoldenExecutor golden, NpuProgram program, List<Map<String, FloatTensor>> images) {
        List<Map<String, int[]>> perImage = images.parallelStream().map(in -> codes(golden, program, in)).toList();
        Map<String, int[]> codes = new HashMap<>();
        for (IoTensor in : program.tensors(IoTensor.Role.INPUT)) {
            int each = perImage.get(0).get(in.name()).length;
            int[] all = new int[each * images.size()];
            for (int b = 0; b < images.size(); b++) {
                System.arraycopy(perImage.get(b).get(in.name()), 0, all, b * each, each);
            }
            codes.put(in.name(), all);
        }
        return codes;
    }

    /** The golden executor's outputs for every image, one after another: what a batched program must write. */
    public static Map<String, byte[]> goldenOutputs(GoldenExecutor golden, List<Map<String, FloatTensor>> images) {
        List<Map<String, byte[]>> perImage = images.parallelStream().map(golden::run).toList();
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (String name : perImage.get(0).keySet()) {
            int each = perImage.get(0).get(name).length;
            byte[] v = new byte[each * images.size()];
            for (int b = 0; b < images.size(); b++) {
                System.arraycopy(perImage.get(b).get(name), 0, v, b * each, each);
            }
            all.put(name, v);
        }
        return all;
    }

    /**
     * A batched program ({@code NpuCompiler.compile(..., batch)}) run once on {@code images}; each image's slice of the
     * outputs compared with the golden executor's outputs for that image.
     */
    public static Batch batched(QuantizedModel model, NpuProgram program, double ratio, Extraction extraction, List<Map<String, FloatTensor>> images) {
        GoldenExecutor golden = new GoldenExecutor(model, ratio, extraction);
        FunctionalExecutor.Result npu = FunctionalExecutor.run(program, NpuCompiler.profileName(ratio), NpuRuns.mode(extraction),
                codes(golden, program, images));
        Map<String, byte[]> expected = goldenOutputs(golden, images);
        int matched = 0;
        List<String> mismatches = new ArrayList<>();
        for (int b = 0; b < images.size(); b++) {
            String mismatch = null;
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                byte[] got = npu.outputs().get(e.getKey());
                int each = e.getValue().length / images.size();
                if (got == null || got.length != e.getValue().length) {
                    mismatch = e.getKey() + ": npu " + (got == null ? "missing" : got.length + " values") + ", golden " + e.getValue().length;
                    break;
                }
                for (int i = b * each; mismatch == null && i < (b + 1) * each; i++) {
                    if (got[i] != e.getValue()[i]) {
                        mismatch = "image " + b + " " + e.getKey() + "[" + (i - b * each) + "]: npu " + got[i] + ", golden " + e.getValue()[i];
                    }
                }
            }
            if (mismatch == null) {
                matched++;
            } else if (mismatches.size() < 5) {
                mismatches.add(mismatch);
            }
        }
        return new Batch(images.size(), matched, mismatches, npu.counts());
    }
}
