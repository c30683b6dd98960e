package org.flexiq.workbench.serve;

import org.flexiq.workbench.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the 4-bit ratio of the next batch. A small interface so that users can add their own: the built-in ones are a
 * static ratio, queue-length thresholds, an SLO controller and an oracle. A policy may keep state (the SLO controller
 * does); a simulation uses a fresh one from {@link #parse} or {@link #fresh}.
 */
public interface Policy {
    /** The spec it was parsed from, e.g. {@code slo:2ms}. */
    String id();

    /** The ratio of the next batch: one of {@code view.service().ratios()} (an adaptive one steps through {@code view.choices()}). */
    double choose(ServerView view);

    /** A new policy of the same kind and settings, without state. */
    Policy fresh();

    /** {@code static:R}: every batch at R. */
    record Static(double ratio) implements Policy {
        @Override
        public String id() {
            return "static:" + org.flexiq.reports.SweepPoint.ratioText(ratio);
        }

        @Override
        public double choose(ServerView view) {
            return ratio;
        }

        @Override
        public Policy fresh() {
            return this;
        }
    }

    /**
     * {@code queue:Q1,Q2,...}: with fewer than Q1 requests queued the lowest ratio, from Q1 the next one worth choosing, and
     * so on (the last threshold's ratio for everything above).
     */
    record QueueThresholds(List<Integer> thresholds) implements Policy {
        @Override
        public String id() {
            return "queue:" + String.join(",", thresholds.stream().map(String::valueOf).toList());
        }

        @Override
        public double choose(ServerView view) {
            List<Double> rs = view.choices();
            int level = 0;
            while (level < thresholds.size() && view.queued() >= thresholds.get(level)) {
                level++;
            }
            return rs.get(Math.min(level, rs.size() - 1));
        }

        @Override
        public Policy fresh() {
            return this;
        }
    }

    /**
     * {@code slo:TARGET}: a feedback controller that keeps the p90 of recent requests under the target with the least ratio.
     * When the recent p90 exceeds {@link #UPPER} of the target it steps one ratio up (the margin absorbs the p90's noise over a
     * short window, so that the long-run p90 stays under the target); when it falls under {@link #LOWER} of the target it steps
     * one down; after a step it waits for {@link #SETTLE} more completions, so that the p90 it reads reflects the step, and
     * for {@link #SETTLE_DOWN} before stepping down (quick to protect the target, slow to give it back: under a steady load
     * that only the higher ratios carry, stepping down as fast as up made it oscillate over the target). It
     * reads the p90 once every {@link #SAMPLE} completions, a controller's sampling period (and what keeps a million-request
     * run from sorting the window at every batch).
     */
    final class Slo implements Policy {
        static final double UPPER = 0.85;
        static final double LOWER = 0.5;
        static final int SETTLE = 128;
        static final int SAMPLE = 32;
        static final int SETTLE_DOWN = 256;
        private final double target;
        private int level;
        private long changedAt = Long.MIN_VALUE / 2;
        private long readAt = Long.MIN_VALUE / 2;

        public Slo(double targetSeconds) {
            this.target = targetSeconds;
        }

        public double target() {
            return target;
        }

        @Override
        public String id() {
            return "slo:" + Durations.text(target);
        }

        @Override
        public double choose(ServerView view) {
            List<Double> rs = view.choices();
            if (view.completed() - readAt < SAMPLE) {
                return rs.get(level);
            }
            readAt = view.completed();
            if (!Double.isNaN(view.recentP90()) && view.completed() - changedAt >= SETTLE) {
                if (view.recentP90() > UPPER * target && level < rs.size() - 1) {
                    level++;
                    changedAt = view.completed();
                } else if (view.recentP90() < LOWER * target && level > 0 && view.completed() - changedAt >= SETTLE_DOWN) {
                    level--;
                    changedAt = view.completed();
                }
            }
            return rs.get(level);
        }

        @Override
        public Policy fresh() {
            return new Slo(target);
        }
    }

    /**
     * {@code oracle:TARGET}: knows the arrivals to come. It picks the least ratio at which the requests queued now and those
     * arriving within the target would all be served within the target, in batches, on every server: a bound that no policy
     * reading only the past can beat by much.
     */
    record Oracle(double target) implements Policy {
        @Override
        public String id() {
            return "oracle:" + Durations.text(target);
        }

        @Override
        public double choose(ServerView view) {
            List<Double> rs = view.choices();
            long work = view.queued() + view.future().between(view.now(), view.now() + target);
            double budget = target - view.oldestWait();
            for (double r : rs) {
                long batches = (work + view.batch() - 1) / view.batch();
                double needed = Math.ceil((double) batches / view.servers()) * view.service().seconds(r, view.batch());
                if (needed <= budget) {
                    return r;
                }
            }
            return rs.get(rs.size() - 1);
        }

        @Override
        public Policy fresh() {
            return this;
        }
    }

    /** static:R, queue:Q1,Q2,..., slo:TARGET or oracle:TARGET (TARGET with a unit: 2ms, 500us, 0.1s). */
    static Policy parse(String option, String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        switch (kind) {
            case "static" -> {
                try {
                    double r = Double.parseDouble(arg);
                    if (r >= 0 && r <= 1) {
                        return new Static(r);
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new BadInputException(option + ": static:R needs a ratio in [0, 1], got '" + arg + "'");
            }
            case "queue" -> {
                List<Integer> q = new ArrayList<>();
                int previous = 0;
                for (String part : arg.split(",")) {
                    try {
                        int v = Integer.parseInt(part.strip());
                        if (v > previous) {
                            q.add(v);
                            previous = v;
                            continue;
                        }
                    } catch (NumberFormatException e) {
                        // reported below
                    }
                    throw new BadInputException(option + ": queue:Q1,Q2,... needs increasing positive queue lengths, got '" + arg + "'");
                }
                return new QueueThresholds(List.copyOf(q));
            }
            case "slo" -> {
                return new Slo(Durations.parse(option, arg));
            }
            case "oracle" -> {
                return new Oracle(Durations.parse(option, arg));
            }
            default -> throw new BadInputException(option + ": '" + spec + "' is not static:R, queue:Q1,Q2,..., slo:TARGET or oracle:TARGET");
        }
    }

    /** A description of every built-in policy, for help texts. */
    static String help() {
        return String.format(Locale.ROOT, "static:R, queue:Q1,Q2,... (queue lengths at which the next ratio takes over), slo:TARGET (keeps the recent "
                + "p90 under TARGET with the least ratio), oracle:TARGET (knows the arrivals to come)");
    }
}
