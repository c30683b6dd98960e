package org.flexiq.workbench.cluster;

import org.flexiq.workbench.BadInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a Hazelcast member of a sweep is started.
 *
 * @param clusterName members join only a cluster of the same name
 * @param join        HOST:PORT of members to join over TCP (empty: start alone)
 * @param iface       the one address to bind and announce (127.0.0.1 unless given)
 * @param port        the first port tried (the next ones if taken)
 * @param threads     sweep tasks this member runs at once
 */
public record ClusterOptions(String clusterName, List<String> join, String iface, int port, int threads) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 5701;

    public ClusterOptions {
        join = List.copyOf(join);
        if (clusterName == null || clusterName.isBlank()) {
            throw new BadInputException("--cluster-name: required to join other members (every member of a sweep uses the same name)");
        }
        if (threads < 1) {
            throw new BadInputException("--threads: must be >= 1, got " + threads);
        }
        if (port < 1 || port > 65535) {
            throw new BadInputException("--port: " + port + " is not a TCP port (1..65535)");
        }
    }

    /**
     * One machine, nobody else: loopback only, a cluster name no other process picks (so two sweeps on one
     * machine never merge).
     */
    public static ClusterOptions alone(int threads) {
        return new ClusterOptions("flexiq-local-" + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime()), List.of(),
                LOOPBACK, DEFAULT_PORT, threads);
    }

    /** "HOST:PORT,..." as a member list; a one-line error naming the option otherwise. */
    public static List<String> parseMembers(String option, String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.split(",")) {
            String m = s.trim();
            int colon = m.lastIndexOf(':');
            try {
                if (colon <= 0) {
                    throw new NumberFormatException();
                }
                int p = Integer.parseInt(m.substring(colon + 1));
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new BadInputException(option + ": '" + m + "' is not HOST:PORT, e.g. 10.0.0.5:5701");
            }
            out.add(m.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
