package org.flexiq.compiler.golden;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How the golden executor's matrix products run their inner product. Both give the plain int loop's sums bit for bit
 * (int sums wrap modulo 2^32 whatever the order of their terms); which is faster depends on the vector unit the JIT
 * compiles for. C2 vectorizes a 64-bit multiply only where AVX-512 has one ({@code vpmullq}): there two channels per
 * long multiply ran 1.4x the four int channels per pass (JDK 17, compiler/README.md). On AVX2 the long loop stays
 * scalar and the int one is the faster (a stand-alone loop, k = 576: 3.3 against 5.0 G MACs/s on JDK 17, 6.0 against
 * 8.4 on JDK 25).
 */
public enum InnerProduct {
    /** {@link ChannelPairs}: two output channels' weights in one long. */
    PAIRED_LONGS,
    /** {@link ChannelRows}: int weights, four output channels per pass over the activation row. */
    INT_ROWS;

    /** The system property that overrides the choice (benchmarks, tests): {@code paired-longs} or {@code int-rows}. */
    public static final String PROPERTY = "flexiq.golden.inner-product";

    private static final int AVX_LEVEL = avxLevel();

    /**
     * This JVM's choice: the property where set, else paired longs where the JIT compiles for AVX-512. A property naming
     * neither is refused here, where an executor is built, not in a class initializer.
     */
    public static InnerProduct host() {
        return choose(System.getProperty(PROPERTY), AVX_LEVEL);
    }

    static InnerProduct choose(String forced, int avxLevel) {
        if (forced != null) {
            for (InnerProduct p : values()) {
                if (p.option().equals(forced)) {
                    return p;
                }
            }
            throw new UnknownInnerProductException("-D" + PROPERTY + "=" + forced + ": expected paired-longs or int-rows");
        }
        return avxLevel >= 3 ? PAIRED_LONGS : INT_ROWS;
    }

    /** The name the property takes. */
    public String option() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** HotSpot's {@code UseAVX} (3 with AVX-512), or 0 on a JVM or CPU without it. */
    private static int avxLevel() {
        try {
            return Integer.parseInt(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("UseAVX").getValue());
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }
}
