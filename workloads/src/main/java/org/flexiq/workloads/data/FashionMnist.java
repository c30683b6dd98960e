package org.flexiq.workloads.data;

import org.flexiq.workloads.ir.Shape;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST from Debian's {@code dataset-fashion-mnist} package (gzipped IDX files). Pixels are
 * normalized as (p / 255 - MEAN) / STD, the training set's statistics; the trained zoo models expect that.
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Overrides {@link #DEFAULT_DIR}. */
    public static final String DIR_ENV = "FASHION_MNIST_DIR";
    public static final float MEAN = 0.2860f;
    public static final float STD = 0.3530f;
    public static final int CLASSES = 10;
    private static final int SIDE = 28;

    /** The two splits, by the file-name prefix the package uses. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    private FashionMnist() {
    }

    public static Path dir() {
        String env = System.getenv(DIR_ENV);
        return env == null || env.isBlank() ? DEFAULT_DIR : Path.of(env);
    }

    public static boolean available() {
        return Files.isRegularFile(dir().resolve("t10k-images-idx3-ubyte.gz"))
                && Files.isRegularFile(dir().resolve("train-images-idx3-ubyte.gz"));
    }

    public static LabeledImages load(Split split) {
        return load(dir(), split);
    }

    public static LabeledImages load(Path dir, Split split) {
        Path images = dir.resolve(split.prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(split.prefix + "-labels-idx1-ubyte.gz");
        byte[] px = readIdx(images, 0x803, true);
        byte[] lb = readIdx(labels, 0x801, false);
        int count = lb.length;
        if ((long) count * SIDE * SIDE != px.length) {
            throw new DatasetException(images + ": " + px.length / (SIDE * SIDE) + " images but " + labels + " has " + count + " labels");
        }
        float[] pixels = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            pixels[i] = ((px[i] & 0xff) / 255f - MEAN) / STD;
        }
        int[] l = new int[count];
        for (int i = 0; i < count; i++) {
            l[i] = lb[i];
            if (l[i] < 0 || l[i] >= CLASSES) {
                throw new DatasetException(labels + ": label " + l[i] + " of item " + i + " is not in 0.." + (CLASSES - 1));
            }
        }
        return new LabeledImages("fashion-mnist:" + split.name().toLowerCase(java.util.Locale.ROOT), Shape.of(1, SIDE, SIDE), pixels, l, CLASSES);
    }

    private static byte[] readIdx(Path file, int magic, boolean images) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
            int m = in.readInt();
            if (m != magic) {
                throw new DatasetException(file + ": magic: expected 0x" + Integer.toHexString(magic) + ", found 0x" + Integer.toHexString(m));
            }
            int count = in.readInt();
            if (count < 1 || count > 1_000_000) {
                throw new DatasetException(file + ": item count: " + count + " is not in 1..1000000");
            }
            long size = count;
            if (images) {
                int rows = in.readInt();
                int cols = in.readInt();
                if (rows != SIDE || cols != SIDE) {
                    throw new DatasetException(file + ": dimensions: expected 28x28, found " + rows + "x" + cols);
                }
                size *= SIDE * SIDE;
            }
            byte[] data = new byte[(int) size];
            in.readFully(data);
            return data;
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": not found; Fashion-MNIST comes from Debian's package: "
                    + "apt-get install dataset-fashion-mnist (or set " + DIR_ENV + " to a folder with its .gz files)");
        } catch (EOFException e) {
            throw new DatasetException(file + ": truncated");
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e.getMessage());
        }
    }
}
