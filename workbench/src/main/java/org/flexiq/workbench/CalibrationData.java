package org.flexiq.workbench;

import org.flexiq.workloads.data.DataSpec;
import org.flexiq.workloads.data.DatasetException;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.zoo.SyntheticInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where calibration samples come from: {@code fashion-mnist:SPLIT[:COUNT]} (real images), or
 * {@code synthetic:COUNT} (the zoo's deterministic inputs, for models without a data set).
 */
public final class CalibrationData {
    private CalibrationData() {
    }

    public static List<Map<String, FloatTensor>> load(String spec, Graph g, long seed) {
        if (spec.startsWith("synthetic:")) {
            int n;
            try {
                n = Integer.parseInt(spec.substring("synthetic:".length()));
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new BadInputException("calibration spec '" + spec + "': expected synthetic:COUNT with COUNT >= 1");
            }
            return SyntheticInputs.batch(g, n, seed);
        }
        LabeledImages images = DataSpec.parse(spec).load();
        if (g.inputs().size() != 1 || !g.inputs().get(0).shape().equals(images.imageShape())) {
            throw new DatasetException("calibration spec '" + spec + "': its images are " + images.imageShape()
                    + " but the model takes " + g.inputs());
        }
        List<Map<String, FloatTensor>> samples = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            samples.add(Map.of(g.inputs().get(0).name(), images.image(i)));
        }
        return samples;
    }

    /** fashion-mnist:train:512 for models that take 28x28 single-channel images, synthetic:128 otherwise. */
    public static String defaultSpec(Graph g) {
        boolean mnistShaped = g.inputs().size() == 1 && g.inputs().get(0).shape().equals(org.flexiq.workloads.ir.Shape.of(1, 28, 28));
        return mnistShaped ? "fashion-mnist:train:512" : "synthetic:128";
    }
}
