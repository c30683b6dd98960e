package org.flexiq.workloads.ir;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Binary16Test {
    @Test
    void everyBinary16SurvivesTheRoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            boolean nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
            if (nan) {
                assertTrue(Float.isNaN(Binary16.toFloat(h)));
                assertTrue(Float.isNaN(Binary16.toFloat(Binary16.fromFloat(Binary16.toFloat(h)))));
            } else {
                assertEquals(h, Binary16.fromFloat(Binary16.toFloat(h)), "0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void roundsToNearestWithTiesToEven() {
        assertEquals(0x3c00, Binary16.fromFloat(1f));
        assertEquals(0x3c00, Binary16.fromFloat(1f + 0x1p-11f)); // halfway between 1 and 1 + 2^-10: to the even 1
        assertEquals(0x3c02, Binary16.fromFloat(1f + 3 * 0x1p-11f)); // halfway between 1 + 2^-10 and 1 + 2^-9: to the even
        assertEquals(0x3c01, Binary16.fromFloat(1f + 0x1p-11f + 0x1p-20f));
        assertEquals(0x7bff, Binary16.fromFloat(65504f));
        assertEquals(0x7bff, Binary16.fromFloat(65519.996f));
        assertEquals(0x7c00, Binary16.fromFloat(65520f)); // halfway to 65536, which overflows
        assertEquals(0xfc00, Binary16.fromFloat(Float.NEGATIVE_INFINITY));
        assertEquals(0x8000, Binary16.fromFloat(-0f));
        assertEquals(0x0001, Binary16.fromFloat(0x1p-24f)); // the smallest subnormal
        assertEquals(0x0000, Binary16.fromFloat(0x1p-25f)); // halfway to it: to the even 0
        assertEquals(0x0001, Binary16.fromFloat(0x1.8p-25f));
        assertEquals(0x0400, Binary16.fromFloat(0x1p-14f - 0x1p-26f)); // rounds up out of the subnormals
        assertEquals(0x0000, Binary16.fromFloat(Float.MIN_VALUE));
        assertEquals(0.0999755859375f, Binary16.round(0.1f));
    }
}
