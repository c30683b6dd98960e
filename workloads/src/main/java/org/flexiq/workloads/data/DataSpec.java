package org.flexiq.workloads.data;

import java.util.Locale;

/**
 * A data set named on the command line: {@code DATASET:SPLIT[:COUNT]}, e.g. {@code fashion-mnist:train:512}
 * (the first 512 training images) or {@code fashion-mnist:test} (all 10,000 test images).
 */
public record DataSpec(String dataset, FashionMnist.Split split, int count) {
    /** count == ALL: the whole split. */
    public static final int ALL = -1;

    public static DataSpec parse(String spec) {
        String[] p = spec.split(":", -1);
        if (p.length < 2 || p.length > 3) {
            throw new DatasetException("data spec '" + spec + "': expected DATASET:SPLIT[:COUNT], e.g. fashion-mnist:train:512");
        }
        if (!p[0].equals("fashion-mnist")) {
            throw new DatasetException("data spec '" + spec + "': unknown data set '" + p[0] + "'; known: fashion-mnist");
        }
        FashionMnist.Split split;
        switch (p[1].toLowerCase(Locale.ROOT)) {
            case "train" -> split = FashionMnist.Split.TRAIN;
            case "test" -> split = FashionMnist.Split.TEST;
            default -> throw new DatasetException("data spec '" + spec + "': split '" + p[1] + "' is not train or test");
        }
        int count = ALL;
        if (p.length == 3) {
            try {
                count = Integer.parseInt(p[2]);
            } catch (NumberFormatException e) {
                count = 0;
            }
            if (count < 1) {
                throw new DatasetException("data spec '" + spec + "': count '" + p[2] + "' is not a positive whole number");
            }
        }
        return new DataSpec(p[0], split, count);
    }

    public LabeledImages load() {
        LabeledImages all = FashionMnist.load(split);
        return count == ALL ? all : all.first(count);
    }

    @Override
    public String toString() {
        return dataset + ":" + split.name().toLowerCase(Locale.ROOT) + (count == ALL ? "" : ":" + count);
    }
}
