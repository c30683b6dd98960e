package org.flexiq.workloads.zoo;

import java.util.SplittableRandom;

/**
 * How one synthetic parameter tensor is drawn. The draws mimic trained networks where it matters for
 * FlexiQ: per-channel scales are log-normal, so channel ranges spread over more than a decade.
 */
sealed interface WeightInit {
    /** Fills {@code out}, a tensor with {@code rows} slices along dimension 0. */
    void fill(float[] out, int rows, SplittableRandom rng);

    /**
     * Gaussian with standard deviation {@code std}, each dim-0 slice (output channel) scaled by
     * exp(sigma z - sigma^2), z ~ N(0, 1), whose mean square is 1: layer variance is kept on average while
     * channel scales spread log-normally.
     */
    record ChannelScaledNormal(double std, double sigma) implements WeightInit {
        @Override
        public void fill(float[] out, int rows, SplittableRandom rng) {
            int per = out.length / rows;
            for (int r = 0; r < rows; r++) {
                double s = std * Math.exp(sigma * gaussian(rng) - sigma * sigma);
                for (int i = r * per; i < (r + 1) * per; i++) {
                    out[i] = (float) (s * gaussian(rng));
                }
            }
        }
    }

    /** Positive values with mean {@code center}, log-normal with shape {@code sigma} (BN/LN gamma, BN var). */
    record LogNormal(double center, double sigma) implements WeightInit {
        @Override
        public void fill(float[] out, int rows, SplittableRandom rng) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (center * Math.exp(sigma * gaussian(rng) - sigma * sigma / 2));
            }
        }
    }

    /** Independent N(mean, std^2) values (biases, betas, embeddings). */
    record Normal(double mean, double std) implements WeightInit {
        @Override
        public void fill(float[] out, int rows, SplittableRandom rng) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) (mean + std * gaussian(rng));
            }
        }
    }

    /**
     * Marsaglia's polar method on SplittableRandom: java.util.Random#nextGaussian changed algorithm across
     * JDKs (17 vs 25 give other streams), which would break "same seed, same bytes" between the two JDKs.
     */
    static double gaussian(SplittableRandom rng) {
        double u;
        double v;
        double s;
        do {
            u = 2 * rng.nextDouble() - 1;
            v = 2 * rng.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }
}
