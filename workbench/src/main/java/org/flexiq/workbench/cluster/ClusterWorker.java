package org.flexiq.workbench.cluster;

import com.hazelcast.core.HazelcastInstance;
import org.flexiq.workbench.BadInputException;

import java.io.PrintWriter;
import java.util.List;

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
            HazelcastInstance hz = join(new ClusterOptions(name, ClusterOptions.parseMembers("--join", join == null ? "" : join),
                    ClusterOptions.LOOPBACK, ClusterOptions.DEFAULT_PORT, threads), 15_000);
            out.println("joined " + ClusterMembers.address(hz) + " " + hz.getCluster().getMembers().size());
        } catch (BadInputException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
        Thread.currentThread().join();
    }
}
