package org.flexiq.cli;

import org.flexiq.workbench.cluster.ClusterOptions;
import org.flexiq.workbench.cluster.ClusterWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Runs sweep points for a sweep started elsewhere with sim sweep --cluster: joins its members and works until stopped.")
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--join", required = true, paramLabel = "HOST:PORT,...", description = "Members to join (the sweep's machine, other workers).")
    String join;

    @Option(names = "--cluster-name", required = true, paramLabel = "NAME", description = "The cluster's name, as the sweep gives it.")
    String clusterName;

    @Option(names = "--interface", defaultValue = ClusterOptions.LOOPBACK, paramLabel = "IP",
            description = "The address this member binds and announces (default: ${DEFAULT-VALUE}: this machine only).")
    String iface;

    @Option(names = "--port", defaultValue = "5701", description = "First port tried (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--threads", description = "Points run at once (default: one per core).")
    Integer threads;

    @Option(names = "--join-timeout", defaultValue = "30", description = "Seconds to wait for the cluster to answer (default: ${DEFAULT-VALUE}).")
    int joinTimeout;

    @Override
    public Integer call() throws Exception {
        ClusterOptions o = new ClusterOptions(clusterName, ClusterOptions.parseMembers("--join", join), iface, port,
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        PrintWriter out = spec.commandLine().getOut();
        ClusterWorker.runUntilStopped(o, joinTimeout * 1000L, (address, members) -> {
            out.printf(Locale.ROOT, "worker %s joined cluster '%s' (%d members); it runs sweep points until stopped%n", address, clusterName, members);
            out.flush();
        });
        return Sim.OK;
    }
}
