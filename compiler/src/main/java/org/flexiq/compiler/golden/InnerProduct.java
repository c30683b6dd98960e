package org.flexiq.compiler.golden;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How the golden executor's matrix products run their inner product. All give the plain int loop's sums bit for bit
 * (int sums wrap modulo 2^32 whatever the order of their terms); which is fastest depends on the vector unit the JIT
 * compiles for and on the JIT itself (compiler/README.md, "The inner product by vector unit"):
 * <ul>
 *   <li>C2 vectorizes a 64-bit multiply only where AVX-512 has one ({@code vpmullq}): there two channels per long
 *   multiply ran 1.4x the four int channels per pass (JDK 17).</li>
 *   <li>Elsewhere, C2 of JDK 25 vectorizes the int rows' reduction well, and they ran 1.2-1.4x the position lanes on the
 *   wide CNN and ResNet-18; C2 of JDK 17 leaves much of that reduction scalar, and the lanes, an element-wise loop, ran
 *   1.1-1.6x the rows. JDKs between were not measured and take the lanes.</li>
 * </ul>
 */
public enum InnerProduct {
    /** {@link ChannelPairs}: two output channels' weights in one long. */
    PAIRED_LONGS,
    /** {@link ChannelRows}: int weights, four output channels per pass over the activation row. */
    INT_ROWS,
    /** {@link PositionLanes}: int weights, four output channels per pass over a tile of output positions. */
    POSITION_LANES;

    /** The system property that overrides the choice (benchmarks, tests): {@code paired-longs}, {@code int-rows} or {@code position-lanes}. */
    public static final String PROPERTY = "flexiq.golden.inner-product";

    private static final int AVX_LEVEL = avxLevel();

    /**
     * This JVM's choice: the property where set, else paired longs where the JIT compiles for AVX-512, int rows on JDK 25
     * and later, position lanes before. A property naming none of them is refused here, where an executor is built, not in
     * a class initializer.
     */
    public static InnerProduct host() {
        return choose(System.getProperty(PROPERTY), AVX_LEVEL, Runtime.version().feature());
    }

    /** The choice for a property value (null where unset), HotSpot's {@code UseAVX} and the JDK's feature release. */
    static InnerProduct choose(String forced, int avxLevel, int jdk) {
        if (forced != null) {
            for (InnerProduct p : values()) {
                if (p.option().equals(forced)) {
                    return p;
                }
            }
            throw new UnknownInnerProductException("-D" + PROPERTY + "=" + forced + ": expected paired-longs, int-rows or position-lanes");
        }
        if (avxLevel >= 3) {
            return PAIRED_LONGS;
        }
        return jdk >= 25 ? INT_ROWS : POSITION_LANES;
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
