package org.flexiq.workbench.serve;

import org.flexiq.workbench.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ServingSimulationTest {
    /** A server whose batch of b takes b x base x (1 - 0.4 r) at r = 0, 0.5, 1: 4-bit up to 1.67x faster, switches 1 us. */
    static Table linear(double base) {
        return new Table(List.of(0.0, 0.5, 1.0), new double[]{1 - 0.4 * 0, 1 - 0.4 * 0.5, 1 - 0.4 * 1}, base);
    }

    private static final ServerSetup ONE = new ServerSetup(1, 1, false, 0, 0, 0);

    @Test
    void anMd1QueueWaitsWhatPollaczekKhinchineSays() {
        double service = 1e-3;
        for (double rho : new double[]{0.3, 0.6, 0.8}) {
            // mean latency over independent seeds, within four standard errors of the closed form D + rho D / (2 (1 - rho))
            int seeds = 8;
            double[] means = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                double[] arrivals = new Arrivals.Poisson(rho / service).sample(s, 100_000, Double.POSITIVE_INFINITY);
                means[s] = new ServingSimulation(ONE, linear(service), null).run(arrivals, "poisson", new Policy.Static(0), 10, null)
                        .meanLatency();
            }
            double mean = java.util.Arrays.stream(means).average().orElseThrow();
            double sd = Math.sqrt(java.util.Arrays.stream(means).map(m -> (m - mean) * (m - mean)).sum() / (seeds - 1));
            double expected = service + rho * service / (2 * (1 - rho));
            assertThat(mean).as("rho " + rho).isCloseTo(expected, within(4 * sd / Math.sqrt(seeds)));
            assertThat(sd / Math.sqrt(seeds) / expected).as("the check is sharp").isLessThan(0.02);
        }
    }

    @Test
    void aBatchWaitsForItsTimeoutOrIsFull() {
        // three requests 1 ms apart, batches of up to 2 with a 0.5 ms timeout, each batch 10 ms per request
        double[] arrivals = {0, 1e-3, 2e-3};
        ServerSetup setup = new ServerSetup(1, 2, false, 0.5e-3, 0, 0);
        ServingResult r = new ServingSimulation(setup, linear(10e-3), null).run(arrivals, "three", new Policy.Static(0), 1, null);
        // the first goes alone at its timeout (0.5 ms, done at 10.5 ms); the next two then go together (done at 30.5 ms)
        assertThat(r.maxLatency()).isCloseTo(29.5e-3, within(1e-12));
        assertThat(r.meanLatency()).isCloseTo((10.5e-3 + 29.5e-3 + 28.5e-3) / 3, within(1e-12));
        // fixed batches of 2: the first two together at 1 ms, the last alone when the arrivals end
        ServingResult fixed = new ServingSimulation(new ServerSetup(1, 2, true, 0, 0, 0), linear(10e-3), null)
                .run(arrivals, "three", new Policy.Static(0), 1, null);
        // latencies 21 and 20 ms (done at 21 ms), then 29 ms (the last, from 21 ms to 31 ms): the median is 21 ms
        assertThat(fixed.p50()).isCloseTo(21e-3, within(1e-12));
        assertThat(fixed.maxLatency()).isCloseTo(29e-3, within(1e-12));
    }

    @Test
    void aFullQueueDropsAndSeveralServersShareTheLoad() {
        double[] arrivals = new double[10]; // ten at once
        ServingResult one = new ServingSimulation(new ServerSetup(1, 1, false, 0, 3, 0), linear(1e-3), null)
                .run(arrivals, "burst", new Policy.Static(0), 1, null);
        assertThat(one.dropped()).isEqualTo(7);
        assertThat(one.served()).isEqualTo(3);
        ServingResult two = new ServingSimulation(new ServerSetup(2, 1, false, 0, 0, 0), linear(1e-3), null)
                .run(arrivals, "burst", new Policy.Static(0), 1, null);
        assertThat(two.maxLatency()).isCloseTo(5e-3, within(1e-12));
        assertThat(two.utilization()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void theSloControllerKeepsP90UnderTargetWhereStatic8BitBreaksIt() {
        // 900 requests/s on a 1 ms server: 8-bit at 90% load; 100% 4-bit takes 0.6 ms (54%)
        double[] arrivals = new Arrivals.Poisson(900).sample(1, 200_000, Double.POSITIVE_INFINITY);
        ServerSetup setup = new ServerSetup(1, 1, false, 0, 0, 4e-3);
        ServingResult eight = new ServingSimulation(setup, linear(1e-3), null).run(arrivals, "p", new Policy.Static(0), 10, null);
        ServingResult slo = new ServingSimulation(setup, linear(1e-3), null).run(arrivals, "p", new Policy.Slo(4e-3), 10, null);
        assertThat(eight.p90()).isGreaterThan(4e-3);
        assertThat(slo.p90()).isLessThan(4e-3);
        assertThat(slo.switches()).isPositive();
        assertThat(slo.requestShare().get(0.0)).isPositive(); // it does not simply stay at 100%
        // the oracle, which sees the arrivals coming, needs 4 bits no more often than the controller
        ServingResult oracle = new ServingSimulation(setup, linear(1e-3), null).run(arrivals, "p", new Policy.Oracle(4e-3), 10, null);
        assertThat(oracle.p90()).isLessThan(4e-3);
    }

    /** A server whose batch of b at ratios[i] takes b x base x factors[i]. */
    record Table(List<Double> ratios, double[] factors, double base) implements ServiceModel {
        @Override
        public double seconds(double ratio, int batch) {
            return batch * base * factors[ratios.indexOf(ratio)];
        }

        @Override
        public double switchSeconds() {
            return 1e-6;
        }

        @Override
        public String describe() {
            return "table";
        }
    }

    @Test
    void adaptivePoliciesSkipRatiosNoFasterThanALowerOne() {
        // 4 bits do not pay everywhere: 0.25 is slower than 8-bit, 0.75 no faster than 0.5
        Table uneven = new Table(List.of(0.0, 0.25, 0.5, 0.75, 1.0), new double[]{1.0, 1.2, 0.8, 0.8, 0.6}, 1e-3);
        assertThat(uneven.worthChoosing(1)).containsExactly(0.0, 0.5, 1.0);
        assertThat(linear(1e-3).worthChoosing(4)).containsExactly(0.0, 0.5, 1.0);
        // 4 bits slower everywhere (groups narrower than the array's fold): nothing but 8-bit is worth choosing
        Table slower = new Table(List.of(0.0, 0.5, 1.0), new double[]{1.0, 1.5, 2.0}, 1e-3);
        assertThat(slower.worthChoosing(1)).containsExactly(0.0);

        // 900 requests/s on a 1 ms server: the controller must raise the ratio, and only to ratios that are faster
        double[] arrivals = new Arrivals.Poisson(900).sample(3, 100_000, Double.POSITIVE_INFINITY);
        ServerSetup setup = new ServerSetup(1, 1, false, 0, 0, 4e-3);
        for (Policy p : List.of(new Policy.Slo(4e-3), new Policy.QueueThresholds(List.of(2, 4, 8, 16)), new Policy.Oracle(4e-3))) {
            ServingResult r = new ServingSimulation(setup, uneven, null).run(arrivals, "p", p, 10, null);
            assertThat(r.requestShare().getOrDefault(0.25, 0.0)).as(p.id()).isZero();
            assertThat(r.requestShare().getOrDefault(0.75, 0.0)).as(p.id()).isZero();
            assertThat(r.requestShare().getOrDefault(0.5, 0.0) + r.requestShare().getOrDefault(1.0, 0.0)).as(p.id()).isPositive();
            assertThat(r.p90()).as(p.id()).isLessThan(4e-3);
        }
        ServingResult stays = new ServingSimulation(setup, slower, null).run(arrivals, "p", new Policy.Slo(4e-3), 10, null);
        assertThat(stays.switches()).isZero();
        assertThat(stays.requestShare().get(0.0)).isEqualTo(1.0);
    }

    @Test
    void theSameSeedGivesTheSameResult() {
        Arrivals a = Arrivals.parse("--arrivals", "steps:500@1,1500@1");
        ServingResult x = new ServingSimulation(ONE, linear(1e-3), null).run(a.sample(7, 20_000, 30), "s", new Policy.Slo(3e-3), 20, null);
        ServingResult y = new ServingSimulation(ONE, linear(1e-3), null).run(a.sample(7, 20_000, 30), "s", new Policy.Slo(3e-3), 20, null);
        assertThat(x).isEqualTo(y);
        assertThat(a.sample(8, 20_000, 30)).isNotEqualTo(a.sample(7, 20_000, 30));
        assertThat(a.meanRate()).isEqualTo(1000);
    }

    @Test
    void aPiecewiseRateIsSampledAtEachLevelsRate() {
        double[] t = new Arrivals.Steps(List.of(new Arrivals.Step(1000, 10), new Arrivals.Step(3000, 10))).sample(3, Long.MAX_VALUE, 20);
        long first = java.util.Arrays.stream(t).filter(v -> v < 10).count();
        assertThat(first).isBetween(10_000L - 400, 10_000L + 400); // Poisson: sd 100
        assertThat(t.length - first).isBetween(30_000L - 700, 30_000L + 700);
    }

    @Test
    void aBadTraceNamesTheFileTheLineAndTheField(@TempDir Path dir) throws IOException {
        Path times = dir.resolve("t.csv");
        Files.writeString(times, "timestamp\n0.1\n0.3\n0.2\n");
        assertThatThrownBy(() -> Arrivals.parse("--arrivals", "trace:" + times)).isInstanceOf(BadInputException.class)
                .hasMessage(times + ":4: field 'timestamp': expected seconds >= the previous line's 0.3, got '0.2'");
        Path rates = dir.resolve("r.csv");
        Files.writeString(rates, "seconds,rate\n10,500\n10,fast\n");
        assertThatThrownBy(() -> Arrivals.parse("--arrivals", "trace:" + rates)).isInstanceOf(BadInputException.class)
                .hasMessage(rates + ":3: field 'rate': expected a finite number, got 'fast'");
        Path header = dir.resolve("h.csv");
        Files.writeString(header, "time,rate\n");
        assertThatThrownBy(() -> Arrivals.parse("--arrivals", "trace:" + header)).hasMessageContaining(":1: expected a header 'timestamp' or 'seconds,rate'");
        Files.writeString(rates, "seconds,rate\n10,500\n5,1500\n");
        Arrivals ok = Arrivals.parse("--arrivals", "trace:" + rates);
        assertThat(ok.meanRate()).isCloseTo((5000 + 7500) / 15.0, within(1e-9));
        assertThatThrownBy(() -> Policy.parse("--policy", "slo:2")).hasMessage("--policy: '2' needs a unit: s, ms or us (e.g. 2ms)");
        assertThatThrownBy(() -> Arrivals.parse("--arrivals", "poisson:-3")).hasMessage("--arrivals: poisson:RATE must be a number >= 0, got '-3'");
    }
}
