package org.flexiq.workbench.serve;

import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.flexiq.workbench.BadInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How requests arrive: a Poisson process at a fixed rate, a Poisson process whose rate steps through a cycle of levels, or a
 * trace (timestamps, or a rate per interval that is then sampled as a Poisson process). Sampling uses Commons Math's
 * exponential distribution on a seeded Well19937c, so a seed gives the same arrivals on every machine.
 */
public sealed interface Arrivals {
    /** One level of a piecewise-constant rate: requests per second for a number of seconds. */
    record Step(double rate, double seconds) {
    }

    /** {@code poisson:RATE}. */
    record Poisson(double rate) implements Arrivals {
    }

    /** {@code steps:RATE@SECONDS,...}, and a trace of rates per interval: the levels repeat until the run ends. */
    record Steps(List<Step> steps) implements Arrivals {
        public double cycleSeconds() {
            return steps.stream().mapToDouble(Step::seconds).sum();
        }
    }

    /** {@code trace:FILE} of timestamps (seconds, nondecreasing): the run is the trace. */
    record Timestamps(double[] times) implements Arrivals {
    }

    /**
     * Arrival times in seconds from 0, sorted: until {@code requests} have arrived or {@code seconds} have passed, whichever
     * comes first (a trace of timestamps ends with itself).
     */
    default double[] sample(long seed, long requests, double seconds) {
        if (this instanceof Timestamps t) {
            int n = (int) Math.min(t.times().length, requests);
            double[] out = Arrays.copyOf(t.times(), n);
            int end = n;
            while (end > 0 && out[end - 1] > seconds) {
                end--;
            }
            return Arrays.copyOf(out, end);
        }
        List<Step> levels = this instanceof Poisson p ? List.of(new Step(p.rate(), Double.POSITIVE_INFINITY)) : ((Steps) this).steps();
        RandomGenerator rng = new Well19937c(seed);
        ExponentialDistribution unit = new ExponentialDistribution(rng, 1.0);
        int cap = (int) Math.min(requests, Integer.MAX_VALUE - 8);
        double[] out = new double[Math.min(cap, 1 << 16)];
        int n = 0;
        double t = 0;
        double levelStart = 0;
        int level = 0;
        while (n < cap) {
            Step s = levels.get(level);
            double levelEnd = levelStart + s.seconds();
            // memoryless: a gap that crosses the level's end restarts at the next level's rate from its start
            double next = s.rate() > 0 ? t + unit.sample() / s.rate() : Double.POSITIVE_INFINITY;
            if (next >= levelEnd) {
                t = levelEnd;
                levelStart = levelEnd;
                level = (level + 1) % levels.size();
                if (t >= seconds) {
                    break;
                }
                continue;
            }
            t = next;
            if (t >= seconds) {
                break;
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, (int) Math.min(cap, 2L * out.length));
            }
            out[n++] = t;
        }
        return Arrays.copyOf(out, n);
    }

    /** The mean rate, requests per second (a trace's over its span). */
    default double meanRate() {
        if (this instanceof Poisson p) {
            return p.rate();
        }
        if (this instanceof Steps s) {
            return s.steps().stream().mapToDouble(x -> x.rate() * x.seconds()).sum() / s.cycleSeconds();
        }
        double[] t = ((Timestamps) this).times();
        return t.length < 2 || t[t.length - 1] <= 0 ? 0 : t.length / t[t.length - 1];
    }

    /** {@code poisson:RATE}, {@code steps:RATE@SECONDS,...} or {@code trace:FILE}; {@code option} names the option in errors. */
    static Arrivals parse(String option, String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        return switch (kind) {
            case "poisson" -> new Poisson(positive(option, "poisson:RATE", arg));
            case "steps" -> {
                List<Step> steps = new ArrayList<>();
                for (String part : arg.split(",")) {
                    String[] rs = part.split("@");
                    if (rs.length != 2) {
                        throw new BadInputException(option + ": '" + part + "' is not RATE@SECONDS (e.g. steps:500@10,1500@10)");
                    }
                    steps.add(new Step(nonNegative(option, "a step's RATE", rs[0]), positive(option, "a step's SECONDS", rs[1])));
                }
                yield new Steps(steps);
            }
            case "trace" -> {
                if (arg.isEmpty()) {
                    throw new BadInputException(option + ": trace:FILE needs a file");
                }
                yield trace(Path.of(arg));
            }
            default -> throw new BadInputException(option + ": '" + spec + "' is not poisson:RATE, steps:RATE@SECONDS,... or trace:FILE");
        };
    }

    /**
     * A trace CSV: a header {@code timestamp} and one nondecreasing time in seconds per line, or a header {@code seconds,rate}
     * and one interval per line (its length in seconds and its rate in requests per second).
     */
    static Arrivals trace(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read the trace (" + e.getMessage() + ")");
        }
        if (lines.isEmpty()) {
            throw new BadInputException(file + ":1: expected a header 'timestamp' or 'seconds,rate', got an empty file");
        }
        String header = lines.get(0).strip().toLowerCase(Locale.ROOT);
        if (header.equals("timestamp")) {
            double[] times = new double[lines.size() - 1];
            int n = 0;
            double previous = 0;
            for (int i = 1; i < lines.size(); i++) {
                String cell = lines.get(i).strip();
                if (cell.isEmpty()) {
                    continue;
                }
                double t = number(file, i + 1, "timestamp", cell);
                if (t < previous) {
                    throw new BadInputException(file + ":" + (i + 1) + ": field 'timestamp': expected seconds >= the previous line's " + previous
                            + ", got '" + cell + "'");
                }
                times[n++] = previous = t;
            }
            if (n == 0) {
                throw new BadInputException(file + ":2: field 'timestamp': expected at least one arrival");
            }
            return new Timestamps(Arrays.copyOf(times, n));
        }
        if (header.equals("seconds,rate")) {
            List<Step> steps = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length != 2) {
                    throw new BadInputException(file + ":" + (i + 1) + ": expected 2 fields 'seconds,rate', got '" + line + "'");
                }
                double s = number(file, i + 1, "seconds", f[0].strip());
                double r = number(file, i + 1, "rate", f[1].strip());
                if (!(s > 0)) {
                    throw new BadInputException(file + ":" + (i + 1) + ": field 'seconds': expected a positive interval, got '" + f[0].strip() + "'");
                }
                if (r < 0) {
                    throw new BadInputException(file + ":" + (i + 1) + ": field 'rate': expected requests per second >= 0, got '" + f[1].strip() + "'");
                }
                steps.add(new Step(r, s));
            }
            if (steps.isEmpty()) {
                throw new BadInputException(file + ":2: expected at least one 'seconds,rate' interval");
            }
            return new Steps(steps);
        }
        throw new BadInputException(file + ":1: expected a header 'timestamp' or 'seconds,rate', got '" + lines.get(0).strip() + "'");
    }

    private static double number(Path file, int line, String field, String cell) {
        try {
            double v = Double.parseDouble(cell);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException(file + ":" + line + ": field '" + field + "': expected a finite number, got '" + cell + "'");
    }

    private static double positive(String option, String what, String text) {
        double v = nonNegative(option, what, text);
        if (v == 0) {
            throw new BadInputException(option + ": " + what + " must be positive, got '" + text + "'");
        }
        return v;
    }

    private static double nonNegative(String option, String what, String text) {
        try {
            double v = Double.parseDouble(text.strip());
            if (Double.isFinite(v) && v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException(option + ": " + what + " must be a number >= 0, got '" + text + "'");
    }
}
