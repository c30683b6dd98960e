package org.flexiq.workbench.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import org.flexiq.workbench.BadInputException;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A member that only runs sweep tasks: joins the given members, and refuses to stay alone (a worker that found
 * no cluster, from a wrong address or cluster name, would wait for nothing).
 */
public final class ClusterWorker {
    private ClusterWorker() {
    }

    /** Starts the member and returns once it has joined; a one-line {@link BadInputException} if it finds nobody in time. */
    public static HazelcastInstance join(ClusterOptions o, long timeoutMillis) throws InterruptedException {
        if (o.join().isEmpty()) {
            throw new BadInputException("--join: a worker needs the address of a member to join (HOST:PORT,...)");
        }
        HazelcastInstance hz = ClusterMembers.start(o);
        long end = System.currentTimeMillis() + timeoutMillis;
        while (hz.getCluster().getMembers().size() < 2 && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        if (hz.getCluster().getMembers().size() < 2) {
            hz.shutdown();
            throw new BadInputException("--join " + String.join(",", o.join()) + ": no member of cluster '" + o.clusterName()
                    + "' answered; check the address, the port and that --cluster-name matches the sweep's");
        }
        return hz;
    }

    /** Told once the member has joined: its own address and the cluster's size. */
    public interface Joined {
        void joined(String address, int members);
    }

    /**
     * Joins ({@link #join}), says so, and runs sweep tasks until the member shuts down: the cluster stopping it, or
     * this process ending (a hook shuts the member down, so the others see it leave at once rather than time out).
     */
    public static void runUntilStopped(ClusterOptions o, long timeoutMillis, Joined joined) throws InterruptedException {
        HazelcastInstance hz = join(o, timeoutMillis);
        CountDownLatch stopped = new CountDownLatch(1);
        hz.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(hz::shutdown));
        joined.joined(ClusterMembers.address(hz), hz.getCluster().getMembers().size());
        stopped.await();
    }

    /** For tests and scripts: {@code --join HOST:PORT --cluster-name NAME [--threads N]}; runs until killed. */
    public static void main(String[] args) throws Exception {
        String join = null;
        String name = null;
        int threads = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--join" -> join = args[i + 1];
                case "--cluster-name" -> name = args[i + 1];
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PrintWriter out = new PrintWriter(System.out, true);
        try {
            runUntilStopped(new ClusterOptions(name, ClusterOptions.parseMembers("--join", join == null ? "" : join),
                    ClusterOptions.LOOPBACK, ClusterOptions.DEFAULT_PORT, threads), 15_000, (address, members) -> out.println("joined " + address + " " + members));
        } catch (BadInputException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
