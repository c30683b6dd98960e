package org.flexiq.workloads.onnx;

import org.flexiq.workloads.data.FashionMnist;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On the test images, the imported PyTorch export classifies exactly as the zoo model does. CI checks the first
 * 1,000 (float inference of three models twice takes minutes per 10,000 on two cores); all 10,000 were checked
 * with {@code -Donnx.accuracy.images=10000} (workloads/README.md has the figures).
 */
@Tag("accuracy")
class PytorchExportAccuracyTest {
    private static final int IMAGES = Integer.getInteger("onnx.accuracy.images", 1000);

    @ParameterizedTest
    @ValueSource(strings = {"fmnist-resnet", "fmnist-resnet-folded", "fmnist-vit"})
    void sameTestAccuracyAsTheZooModel(String file) throws Exception {
        Assumptions.assumeTrue(FashionMnist.available(), "dataset-fashion-mnist is not installed");
        Model imported = OnnxImporter.read(PytorchExportTest.file(file));
        ZooModel z = ModelZoo.get(file.replace("-folded", ""));
        Model zoo = z.model(z.defaults(), 0);
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST).first(IMAGES);
        String ia = zoo.graph().inputs().get(0).name();
        String ib = imported.graph().inputs().get(0).name();
        // Two halves on the two cores; each executor instance keeps to one thread.
        int[][] counts = IntStream.range(0, 2).parallel().mapToObj(h -> {
            FloatExecutor a = new FloatExecutor(zoo);
            FloatExecutor b = new FloatExecutor(imported);
            int[] c = new int[3];
            for (int i = h; i < test.size(); i += 2) {
                int pa = argmax(a.run(Map.of(ia, test.image(i))).values().iterator().next().data());
                int pb = argmax(b.run(Map.of(ib, test.image(i))).values().iterator().next().data());
                c[0] += pa == test.label(i) ? 1 : 0;
                c[1] += pb == test.label(i) ? 1 : 0;
                c[2] += pa != pb ? 1 : 0;
            }
            return c;
        }).toArray(int[][]::new);
        int correctA = counts[0][0] + counts[1][0];
        int correctB = counts[0][1] + counts[1][1];
        int disagree = counts[0][2] + counts[1][2];
        System.out.printf("%s: zoo %d / %d correct, imported %d, predictions differing %d%n", file, correctA, test.size(), correctB, disagree);
        assertEquals(correctA, correctB, file + ": correct test predictions");
        assertEquals(0, disagree, file + ": test images classified differently");
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
