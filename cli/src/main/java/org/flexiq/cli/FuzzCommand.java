package org.flexiq.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * sim itself against generated bad input ({@link FuzzInputs}): every case runs in this process as a user's command
 * would, and its outcome is held to the exit-code policy: exit 0, or exit 2 with one line on stderr that names the input
 * file or the option (and no exception text), never exit 1 or anything else, never an escaped exception, and no
 * output file left behind by a refused command. Prints one row per kind of input and the first violations.
 */
@Command(name = "fuzz", hidden = true, mixinStandardHelpOptions = true,
        description = "Robustness of sim itself: generated bad inputs (edited .flx headers, corrupted files, SCALE-Sim files, option values, "
                + "assembly text), "
                + "each held to the exit-code policy; exits 1 on any violation.")
final class FuzzCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--cases", defaultValue = "1000", description = "Generated cases (default: ${DEFAULT-VALUE}).")
    int cases;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--keep", description = "Keep the generated files (their folder is printed), to replay a violation.")
    boolean keep;

    /** Outcomes of one kind of input. */
    private static final class Tally {
        int cases;
        int accepted;
        int refused;
        final List<String> violations = new ArrayList<>();
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (cases < 1) {
            throw new org.flexiq.workbench.BadInputException("--cases: expected at least 1, got " + cases);
        }
        Path work = Files.createTempDirectory("sim-fuzz");
        Map<String, Tally> tallies = new LinkedHashMap<>();
        FuzzInputs.KINDS.forEach(k -> tallies.put(k, new Tally()));
        Progress progress = new Progress(spec.commandLine().getErr(), "fuzz", cases);
        try {
            Path base = work.resolve("base.q.flx");
            StringWriter sink = new StringWriter();
            int made = Sim.run(new PrintWriter(sink), new PrintWriter(sink), "quantize", "mlp", "--group", "16", "--method", "greedy", "-o",
                    base.toString());
            if (made != Sim.OK) {
                throw new IllegalStateException("the valid model every .flx case starts from was not made: " + sink);
            }
            Path program = work.resolve("base.npu");
            StringWriter text = new StringWriter();
            if (Sim.run(new PrintWriter(sink), new PrintWriter(sink), "compile", base.toString(), "--npu", "gemmini-like", "-o", program.toString()) != Sim.OK
                    || Sim.run(new PrintWriter(text), new PrintWriter(sink), "disasm", program.toString()) != Sim.OK) {
                throw new IllegalStateException("the valid program every asm case starts from was not made: " + sink);
            }
            Path ert = work.resolve("ert");
            if (Sim.run(new PrintWriter(sink), new PrintWriter(sink), "energy", "--npu", "gemmini-like", "--write-ert", ert.toString()) != Sim.OK) {
                throw new IllegalStateException("the valid ERT and ART every ert case starts from were not written: " + sink);
            }
            FuzzInputs inputs = new FuzzInputs(work, base, text.toString(), ert);
            SplittableRandom rng = new SplittableRandom(seed);
            for (int i = 0; i < cases; i++) {
                FuzzInputs.Case c = inputs.next(i, rng);
                Tally t = tallies.get(c.kind());
                t.cases++;
                String violation = judge(c);
                progress.advance(1);
                if (violation.isEmpty()) {
                    t.accepted++;
                } else if (violation.equals("refused")) {
                    t.refused++;
                } else {
                    t.violations.add("case " + i + ": sim " + String.join(" ", c.args()) + ": " + violation);
                }
            }
        } finally {
            progress.finish();
            if (keep) {
                out.printf(Locale.ROOT, "inputs kept in %s%n", work);
            } else {
                try (Stream<Path> s = Files.walk(work)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        out.printf(Locale.ROOT, "%-14s %8s %9s %8s %11s%n", "input", "cases", "accepted", "refused", "violations");
        int violations = 0;
        for (Map.Entry<String, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            out.printf(Locale.ROOT, "%-14s %8d %9d %8d %11d%n", e.getKey(), t.cases, t.accepted, t.refused, t.violations.size());
            violations += t.violations.size();
        }
        for (Tally t : tallies.values()) {
            t.violations.stream().limit(5).forEach(out::println);
        }
        out.printf(Locale.ROOT, "%d cases, seed %d: %d violations%n", cases, seed, violations);
        return violations == 0 ? Sim.OK : Sim.FAILURE;
    }

    /** "" when accepted, "refused" when refused as the policy asks, else what broke the policy. */
    static String judge(FuzzInputs.Case c) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            code = Sim.run(new PrintWriter(out), new PrintWriter(err), c.args().toArray(String[]::new));
        } catch (Throwable t) {
            return "an exception escaped: " + t;
        }
        String e = err.toString().strip();
        if (code == Sim.OK) {
            return "";
        }
        if (code != Sim.BAD_INPUT) {
            return "exit " + code + " for bad input: " + e;
        }
        if (e.isEmpty() || e.contains("\n")) {
            return "exit 2 with " + (e.isEmpty() ? "nothing" : e.split("\n").length + " lines") + " on stderr";
        }
        if (e.contains("Exception") || e.contains("\tat ") || e.contains("java.")) {
            return "internal exception text: " + e;
        }
        // a file's error names the file; an option's names the option, its command's help, or the model it was applied to
        boolean named = c.input() != null ? e.contains(c.input().toString()) || e.contains(c.input().getFileName().toString())
                : e.contains("--") || e.contains("sim help") || e.contains(c.args().get(1));
        if (!named) {
            return "the message names no " + (c.input() != null ? "file" : "option") + ": " + e;
        }
        for (Path p : c.outputs()) {
            if (Files.exists(p)) {
                return "a refused command left " + p + " behind";
            }
        }
        return "refused";
    }
}
