package org.flexiq.workbench.cluster;

import com.hazelcast.core.HazelcastInstance;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.Engine;
import org.flexiq.workbench.LocalSweep;
import org.flexiq.workbench.ModelCache;
import org.flexiq.workbench.SweepPlan;
import org.flexiq.workbench.SweepPointRunner;
import org.flexiq.workbench.SweepStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sweeps over member processes on loopback: the same bytes as a local sweep, whatever happens to the members.
 * Each test is bounded, in a thread of its own so that even a wait that ignores interrupts cannot hold the build.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterSweepTest {
    @TempDir
    Path dir;

    private final List<Process> workers = new ArrayList<>();
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        workers.forEach(Process::destroyForcibly);
        // terminate, not shutdown: no handover of partitions to workers just killed
        members.forEach(hz -> hz.getLifecycleService().terminate());
    }

    private static SweepPlan plan(String... arrays) {
        List<int[]> a = new ArrayList<>();
        for (String s : arrays) {
            a.addAll(SweepPlan.parseArrays("--array", s));
        }
        return new SweepPlan("mlp", NpuPresets.load("flexiq-npu"), a, List.of(16, 32), List.of(0.0, 0.5, 1.0), Engine.FAST, Extraction.STATIC, 0,
                org.flexiq.simulator.energy.EnergyParameters.load(org.flexiq.simulator.energy.EnergyParameters.DEFAULT), 0);
    }

    private HazelcastInstance coordinator(String name, int threads) {
        HazelcastInstance hz = ClusterMembers.start(new ClusterOptions(name, List.of(), ClusterOptions.LOOPBACK, 5801, threads));
        members.add(hz);
        return hz;
    }

    /** A member in its own JVM (this test's classpath), joined to {@code join}. */
    private Process worker(String join, String name) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ClusterWorker.class.getName(),
                "--join", join, "--cluster-name", name, "--threads", "1")
                .redirectError(dir.resolve("worker-" + workers.size() + ".err").toFile()).start();
        workers.add(p);
        return p;
    }

    /** A coordinator in this JVM and {@code workers} member processes joined to it. */
    private HazelcastInstance cluster(String name, int workers) throws Exception {
        HazelcastInstance hz = coordinator(name, 1);
        List<Process> started = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            started.add(worker(ClusterMembers.address(hz), name));
        }
        for (Process p : started) {
            awaitJoined(p);
        }
        awaitMembers(hz, workers + 1);
        return hz;
    }

    private static void awaitJoined(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).as("the worker's first line").startsWith("joined ");
    }

    private static void awaitMembers(HazelcastInstance hz, int n) throws InterruptedException {
        for (int i = 0; i < 300 && hz.getCluster().getMembers().size() < n; i++) {
            Thread.sleep(100);
        }
        assertThat(hz.getCluster().getMembers()).hasSize(n);
    }

    private Map<String, byte[]> localSweep(SweepPlan plan) throws Exception {
        Path out = dir.resolve("local");
        SweepStore store = new SweepStore(out);
        store.open(plan);
        LocalSweep.run(plan, new SweepPointRunner(plan, null, "mlp", new ModelCache()), store, 2, n -> { });
        return files(out);
    }

    private static Map<String, byte[]> files(Path out) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(out.resolve("points"))) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    @Test
    void threeMembersGiveTheBytesOfALocalSweep() throws Exception {
        SweepPlan plan = plan("8x8,16x16,32x32,64x64");
        HazelcastInstance hz = cluster("flexiq-test-three", 2);
        SweepStore store = new SweepStore(dir.resolve("cluster"));
        store.open(plan);
        Map<String, Integer> perMember = ClusterSweep.run(plan, false, "mlp", store, hz, 6, (points, member, n) -> { });
        assertThat(perMember.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(plan.units().size());
        assertThat(perMember).as("units per member").hasSize(3);
        Map<String, byte[]> cluster = files(dir.resolve("cluster"));
        Map<String, byte[]> local = localSweep(plan);
        assertThat(cluster.keySet()).isEqualTo(local.keySet()).hasSize(plan.pointCount());
        cluster.forEach((k, v) -> assertThat(v).as(k).isEqualTo(local.get(k)));
    }

    @Test
    void killingAWorkerHalfWayLosesNothingAndWritesNothingTwice() throws Exception {
        SweepPlan plan = plan("8x8,8x16,16x8,16x16,16x32,32x16,32x32,32x64,64x32,64x64,8x32,32x8");
        HazelcastInstance hz = cluster("flexiq-test-kill", 2);
        Process victim = workers.get(0);
        SweepStore store = new SweepStore(dir.resolve("cluster"));
        store.open(plan);
        AtomicInteger saved = new AtomicInteger();
        int half = plan.units().size() / 2;
        ClusterSweep.run(plan, false, "mlp", store, hz, 4, (points, member, n) -> {
            if (saved.addAndGet(points) >= half * plan.ratios().size() && victim.isAlive()) {
                victim.destroyForcibly(); // SIGKILL: no goodbye to the cluster
            }
        });
        assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(saved.get()).as("each point saved once").isEqualTo(plan.pointCount());
        Map<String, byte[]> cluster = files(dir.resolve("cluster"));
        Map<String, byte[]> local = localSweep(plan);
        assertThat(cluster.keySet()).isEqualTo(local.keySet());
        cluster.forEach((k, v) -> assertThat(v).as(k).isEqualTo(local.get(k)));
    }

    @Test
    void aWorkerThatJoinsMidSweepTakesPoints() throws Exception {
        SweepPlan plan = plan("8x8,8x16,16x8,16x16,16x32,32x16,32x32,32x64,64x32,64x64,8x32,32x8,8x64,64x8,24x24,48x48,12x12,40x40");
        HazelcastInstance hz = coordinator("flexiq-test-late", 1);
        String at = ClusterMembers.address(hz);
        AtomicInteger units = new AtomicInteger();
        List<Process> late = new ArrayList<>();
        SweepStore store = new SweepStore(dir.resolve("cluster"));
        store.open(plan);
        Map<String, Integer> perMember = ClusterSweep.run(plan, false, "mlp", store, hz, 1, (points, member, n) -> {
            if (units.incrementAndGet() == 1) {
                try {
                    Process p = worker(at, "flexiq-test-late");
                    awaitJoined(p);
                    late.add(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertThat(late).hasSize(1);
        assertThat(perMember).as("units per member").hasSize(2);
        assertThat(perMember.get(at)).isLessThan(plan.units().size());
    }

    @Test
    void aWrongClusterNameCannotJoin() throws Exception {
        HazelcastInstance hz = coordinator("flexiq-test-right", 1);
        assertThatThrownBy(() -> ClusterWorker.join(new ClusterOptions("flexiq-test-wrong", List.of(ClusterMembers.address(hz)),
                ClusterOptions.LOOPBACK, 5850, 1), 4000))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no member of cluster 'flexiq-test-wrong' answered");
        assertThat(hz.getCluster().getMembers()).hasSize(1);
    }

    @Test
    void aForeignClassSentToAMemberIsRefused() throws Exception {
        HazelcastInstance hz = cluster("flexiq-test-foreign", 1);
        var executor = hz.getDurableExecutorService(ClusterMembers.EXECUTOR);
        for (int key = 0; key < 8; key++) { // keys land on both members
            var f = executor.submitToKeyOwner(new ForeignTask(), key);
            assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasStackTraceContaining(ForeignTask.class.getName());
        }
        // and the members still run sweep tasks afterwards; a plan's ratio floor travels with its tasks
        SweepPlan base = plan("8x8");
        SweepPlan plan = new SweepPlan(base.model(), base.preset(), base.arrays(), base.groups(), List.of(0.5, 1.0), base.engine(), base.extraction(),
                base.seed(), base.energy(), 0.5);
        SweepStore store = new SweepStore(dir.resolve("after"));
        store.open(plan);
        ClusterSweep.run(plan, false, "mlp", store, hz, 2, (points, member, n) -> { });
        Map<String, byte[]> cluster = files(dir.resolve("after"));
        assertThat(cluster).hasSize(plan.pointCount());
        Map<String, byte[]> local = localSweep(plan);
        cluster.forEach((k, v) -> assertThat(v).as(k).isEqualTo(local.get(k)));
        assertThat(new String(cluster.get("8x8-g16-r1.json"), java.nio.charset.StandardCharsets.UTF_8)).contains("\"minRatio\":0.5");
    }
}
