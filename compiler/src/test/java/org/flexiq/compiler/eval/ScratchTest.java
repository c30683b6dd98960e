package org.flexiq.compiler.eval;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.*;
import org.flexiq.compiler.select.*;
import org.flexiq.workloads.data.*;
import org.flexiq.workloads.ir.*;
import org.flexiq.workloads.zoo.*;
import org.junit.jupiter.api.Test;
import java.util.*;

class ScratchTest {
    @Test
    void scratch() {
        ZooModel z = ModelZoo.get(System.getProperty("model", "fmnist-resnet"));
        Model m = z.model(z.defaults(), 0);
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST).first(2000);
        LabeledImages calib = FashionMnist.load(FashionMnist.Split.TRAIN).first(512);
        List<Map<String, FloatTensor>> cal = new ArrayList<>();
        for (int i = 0; i < calib.size(); i++) cal.add(Map.of("image", calib.image(i)));
        QuantizedModel q = Quantizer.quantize(m, cal, new QuantizerOptions(8, CalibrationMethod.MAX));
        for (String site : q.sites().keySet()) {
            Map<String, Site> sites = new LinkedHashMap<>();
            q.sites().forEach((k, s) -> sites.put(k, s.withSelection(s.order(), new int[]{k.equals(site) ? s.channels() : 0})));
            QuantizedModel one = q.withSites(sites, List.of(1.0));
            Site s = q.sites().get(site);
            int[] cm = s.channelMax().clone(); Arrays.sort(cm);
            System.out.printf("site %-14s ch %3d max[min,med,max]=[%d,%d,%d] static %.4f dynamic %.4f naive %.4f%n", site, s.channels(), cm[0], cm[cm.length/2], cm[cm.length-1],
                Accuracy.goldenTop1(new GoldenExecutor(one, 1.0, Extraction.STATIC), test),
                Accuracy.goldenTop1(new GoldenExecutor(one, 1.0, Extraction.DYNAMIC), test),
                Accuracy.goldenTop1(new GoldenExecutor(one, 1.0, Extraction.NAIVE), test));
        }
    }
}
