package org.flexiq.simulator;

import org.flexiq.isa.Instruction;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The useful rows of a convolution fold, counted in closed form, against the pixel-by-pixel definition. */
class ValidRowsTest {
    @Test
    void closedFormCountEqualsThePixelByPixelCount() {
        Random rnd = new Random(3);
        for (int n = 0; n < 20000; n++) {
            int kh = 1 + rnd.nextInt(7);
            int kw = 1 + rnd.nextInt(7);
            int sh = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(3);
            int sw = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(3);
            int dil = 1 + rnd.nextInt(3);
            int inh = 1 + rnd.nextInt(20);
            int inw = 1 + rnd.nextInt(20);
            int fullh = inh + rnd.nextInt(5);
            int padh = rnd.nextInt(4);
            int padw = rnd.nextInt(4);
            int outw = 1 + rnd.nextInt(20);
            Instruction.ConfigConv g = new Instruction.ConfigConv(inh, inw, fullh, outw, kh, kw, sh, sw, padh, padw, dil, 0);
            int obase = rnd.nextInt(400);
            int m = rnd.nextInt(4) == 0 ? rnd.nextInt(outw + 1) : rnd.nextInt(300);
            int tap = rnd.nextInt(kh * kw);
            assertEquals(pixelByPixel(g, obase, m, tap), OpPlanner.validRows(g, obase, m, tap), g + " obase " + obase + " m " + m + " tap " + tap);
        }
    }

    /**
     * A band of whole images (outh > 0): each image's pixels count as their own window, against the definition and against
     * the executors' pixel mapping (padding gives -1, every other pixel lies in its own image's band rows).
     */
    @Test
    void aBandOfWholeImagesCountsEachImagesWindow() {
        Random rnd = new Random(5);
        for (int n = 0; n < 5000; n++) {
            int kh = 1 + rnd.nextInt(5);
            int kw = 1 + rnd.nextInt(5);
            int sh = 1 + rnd.nextInt(2);
            int sw = 1 + rnd.nextInt(2);
            int padh = rnd.nextInt(3);
            int padw = rnd.nextInt(3);
            int fullh = kh + rnd.nextInt(8);
            int inw = kw + rnd.nextInt(8);
            int outh = (fullh + 2 * padh - kh) / sh + 1;
            int outw = (inw + 2 * padw - kw) / sw + 1;
            int images = 1 + rnd.nextInt(4);
            Instruction.ConfigConv g = new Instruction.ConfigConv(images * fullh, inw, fullh, outw, kh, kw, sh, sw, padh, padw, 1, 0, outh);
            int obase = rnd.nextInt(images * outh * outw);
            int m = 1 + rnd.nextInt(images * outh * outw - obase);
            int tap = rnd.nextInt(kh * kw);
            long valid = 0;
            for (int o = obase; o < obase + m; o++) {
                int pixel = InstructionSemantics.convPixel(g, o, tap);
                int image = o / (outh * outw);
                if (pixel >= 0) {
                    valid++;
                    assertEquals(image, pixel / (fullh * inw), g + " pixel " + o + " reads another image");
                }
            }
            assertEquals(pixelByPixel(g, obase, m, tap), valid, g + " obase " + obase + " m " + m + " tap " + tap);
            assertEquals(valid, OpPlanner.validRows(g, obase, m, tap), g + " obase " + obase + " m " + m + " tap " + tap);
        }
    }

    private static long pixelByPixel(Instruction.ConfigConv g, int obase, int m, int tap) {
        int dy = (tap / g.kw()) * g.dil() - g.padh();
        int dx = (tap % g.kw()) * g.dil() - g.padw();
        long n = 0;
        for (int o = obase; o < obase + m; o++) {
            int within = g.outh() > 0 ? o % (g.outh() * g.outw()) : o;
            int iy = (within / g.outw()) * g.sh() + dy;
            int ix = (within % g.outw()) * g.sw() + dx;
            if (iy >= 0 && iy < g.fullh() && ix >= 0 && ix < g.inw()) {
                n++;
            }
        }
        return n;
    }
}
