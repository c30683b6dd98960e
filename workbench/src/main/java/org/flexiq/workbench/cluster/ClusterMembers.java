package org.flexiq.workbench.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.DurableExecutorConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Starts the Hazelcast members a sweep runs on, locked down as far as the community edition allows (it has no
 * member authentication and no TLS): bound to one interface, loopback unless another is named; multicast and
 * cloud auto-detection off, so a member joins only the addresses it is given, and only a cluster of its name;
 * tasks travel as data ({@link SweepTask}, made by id), and Java deserialization is refused for every class
 * outside the JDK and Hazelcast (no user class needs it), so a foreign class sent to a member is not built.
 * A network still has to be trusted: keep members on a private network or behind a firewall.
 */
public final class ClusterMembers {
    /** The durable executor sweep tasks go through: a task is kept on a backup and survives its member's loss. */
    public static final String EXECUTOR = "flexiq-sweep";

    private ClusterMembers() {
    }

    public static Config config(ClusterOptions o) {
        Config c = new Config();
        c.setClusterName(o.clusterName());
        c.setInstanceName("flexiq-" + o.clusterName() + "-" + Long.toHexString(System.nanoTime()));
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        // a lone member need not wait for others to join before it works
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        // a member that shuts down hands its partitions over first; if a peer died unseen that handover cannot finish,
        // and Hazelcast's default wait (600 s) would hold the end of a sweep that long
        c.setProperty("hazelcast.graceful.shutdown.max.wait", "30");
        // workers started before the sweep's member are each a cluster of one; members of one name that find each
        // other merge after these delays (Hazelcast's default first run is 300 s)
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        NetworkConfig n = c.getNetworkConfig();
        n.setPort(o.port()).setPortAutoIncrement(true).setPortCount(100);
        n.getInterfaces().setEnabled(true).addInterface(o.iface());
        n.getJoin().getMulticastConfig().setEnabled(false);
        n.getJoin().getAutoDetectionConfig().setEnabled(false);
        n.getJoin().getTcpIpConfig().setEnabled(true).setMembers(o.join());
        c.getSerializationConfig().addDataSerializableFactory(SweepTaskFactory.FACTORY_ID, new SweepTaskFactory());
        c.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
                .setWhitelist(new ClassFilter()) // nothing of ours: the defaults (JDK, Hazelcast) only
                .setDefaultsDisabled(false));
        c.addDurableExecutorConfig(new DurableExecutorConfig(EXECUTOR).setPoolSize(o.threads()).setDurability(1).setCapacity(1000));
        return c;
    }

    public static HazelcastInstance start(ClusterOptions o) {
        return Hazelcast.newHazelcastInstance(config(o));
    }

    /** "host:port" of a member as others reach it. */
    public static String address(HazelcastInstance hz) {
        return address(hz.getCluster().getLocalMember());
    }

    /** "host:port" of a member. */
    public static String address(Member m) {
        return m.getAddress().getHost() + ":" + m.getAddress().getPort();
    }
}
