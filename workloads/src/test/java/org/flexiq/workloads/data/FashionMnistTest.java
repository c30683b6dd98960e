package org.flexiq.workloads.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void theRealTestSetHasTenThousandBalancedImages() {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST);
        assertThat(test.size()).isEqualTo(10_000);
        int[] perClass = new int[10];
        for (int l : test.labels()) {
            perClass[l]++;
        }
        assertThat(perClass).containsOnly(1000);
        double mean = 0;
        for (float p : test.pixels()) {
            mean += p;
        }
        assertThat(mean / test.pixels().length).as("normalized by the training statistics").isBetween(-0.05, 0.05);
        assertThat(DataSpec.parse("fashion-mnist:train:512").load().size()).isEqualTo(512);
    }

    @Test
    void readsIdxFilesAndChecksThem() throws IOException {
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), 0x803, 2, new int[]{28, 28}, new byte[2 * 784]);
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, 2, new int[]{}, new byte[]{3, 9});
        LabeledImages d = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertThat(d.labels()).containsExactly(3, 9);
        assertThat(d.image(1).data()[0]).isEqualTo(-FashionMnist.MEAN / FashionMnist.STD);

        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, 2, new int[]{}, new byte[]{3, 10});
        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TEST)).hasMessageContaining("label 10 of item 1");
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), 0x801, 3, new int[]{}, new byte[]{3, 1});
        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TEST)).hasMessageContaining("truncated");
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), 0x802, 2, new int[]{28, 28}, new byte[2 * 784]);
        assertThatThrownBy(() -> FashionMnist.load(dir, FashionMnist.Split.TEST)).hasMessageContaining("magic: expected 0x803, found 0x802");
    }

    @Test
    void missingDataSaysHowToInstallIt() {
        assertThatThrownBy(() -> FashionMnist.load(dir.resolve("nowhere"), FashionMnist.Split.TRAIN))
                .isInstanceOf(DatasetException.class).hasMessageContaining("apt-get install dataset-fashion-mnist");
    }

    @Test
    void dataSpecs() {
        assertThat(DataSpec.parse("fashion-mnist:test")).isEqualTo(new DataSpec("fashion-mnist", FashionMnist.Split.TEST, DataSpec.ALL));
        assertThat(DataSpec.parse("fashion-mnist:train:512").count()).isEqualTo(512);
        assertThatThrownBy(() -> DataSpec.parse("cifar10:test")).hasMessageContaining("unknown data set 'cifar10'");
        assertThatThrownBy(() -> DataSpec.parse("fashion-mnist:val")).hasMessageContaining("split 'val'");
        assertThatThrownBy(() -> DataSpec.parse("fashion-mnist:train:-3")).hasMessageContaining("count '-3'");
        assertThatThrownBy(() -> DataSpec.parse("fashion-mnist")).hasMessageContaining("DATASET:SPLIT[:COUNT]");
    }

    private static void write(Path f, int magic, int count, int[] dims, byte[] data) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(8 + 4 * dims.length).putInt(magic).putInt(count);
        for (int d : dims) {
            h.putInt(d);
        }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(h.array());
            o.write(data);
        }
    }
}
