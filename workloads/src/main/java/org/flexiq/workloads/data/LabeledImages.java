package org.flexiq.workloads.data;

import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Shape;

/**
 * Images with class labels, normalized and flattened into one array: image i occupies
 * [i * shape.elementCount(), (i + 1) * shape.elementCount()).
 */
public record LabeledImages(String name, Shape imageShape, float[] pixels, int[] labels, int classes) {
    public LabeledImages {
        if ((long) labels.length * imageShape.elementCount() != pixels.length) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + pixels.length + " pixel values of " + imageShape);
        }
    }

    public int size() {
        return labels.length;
    }

    public FloatTensor image(int i) {
        int n = imageShape.elementCount();
        float[] d = new float[n];
        System.arraycopy(pixels, i * n, d, 0, n);
        return new FloatTensor(imageShape, d);
    }

    public int label(int i) {
        return labels[i];
    }

    /** The first {@code count} images. */
    public LabeledImages first(int count) {
        if (count < 1 || count > size()) {
            throw new DatasetException(name + " has " + size() + " images, " + count + " were asked for");
        }
        int n = imageShape.elementCount();
        float[] p = new float[count * n];
        System.arraycopy(pixels, 0, p, 0, p.length);
        int[] l = new int[count];
        System.arraycopy(labels, 0, l, 0, count);
        return new LabeledImages(name + "[:" + count + "]", imageShape, p, l, classes);
    }
}
