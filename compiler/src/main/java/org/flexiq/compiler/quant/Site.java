package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FourBit;

import java.util.List;

/**
 * A FlexiQ site: a tensor whose feature channels feed Conv2d/Linear layers that may compute in 4 bits.
 * Every consumer of the tensor shares its channel selection (q, k and v of one attention read one tensor).
 *
 * <p>Indices are in the tensor's stored channel order. {@code order} lists the channels from first to
 * last to become 4-bit: at a ratio, the first {@code fourBitChannels[ratio]} of them are 4-bit, and
 * 4-bit group k is {@code order[kG .. (k+1)G)}. After {@link FlexiqLayout#apply} the order is the identity
 * (the channels are physically reordered) and {@code gather} says how a non-folded site is reordered at
 * run time: stored channel i reads produced channel gather[i].
 *
 * @param axis            the channel axis of the tensor (0 for conv inputs, last for linear inputs)
 * @param consumers       the Conv2d/Linear nodes reading this tensor that may run in 4 bits
 * @param channelMax      calibrated max |x| per stored channel, in int8 units (for static shifts)
 * @param fourBitChannels 4-bit channel count at each stored ratio (parallel to the model's ratios)
 * @param gather          null when the order is folded into the producer or is the identity
 * @param producer        the Conv2d/Linear whose output rows carry the folded order, or null
 * @param profile         per-channel extraction errors of the calibrated codes, for MSE-optimal static shifts;
 *                        null in files written before it existed (static shifts then follow the calibrated max)
 * @param codes           the 4-bit activation codes: signed, or unsigned where the tensor is never negative
 *                        ({@link NonNegativeCodes}), which keeps 4 magnitude bits instead of 3
 * @param judgedShift     per stored channel, the static shift of the 4-bit group holding it where the shifts were judged at
 *                        the model's outputs (every channel of a group holds the same one); null: the static shifts follow
 *                        from the profile ({@link BitExtractor}). Per channel rather than per group, so that it survives
 *                        reordering: a candidate group is a fixed set of channels, whatever its place in the order
 */
public record Site(String tensor, int axis, int channels, List<String> consumers, int[] channelMax,
                   int[] order, int[] fourBitChannels, int[] gather, String producer, ShiftProfile profile, FourBit.Codes codes,
                   int[] judgedShift) {
    public Site {
        consumers = List.copyOf(consumers);
        java.util.Objects.requireNonNull(codes, "codes");
        if (order.length != channels || channelMax.length != channels) {
            throw new IllegalArgumentException(tensor + ": order and channel maxima need " + channels + " entries");
        }
        if (profile != null && profile.channels() != channels) {
            throw new IllegalArgumentException(tensor + ": the shift profile needs " + channels + " channels");
        }
        if (judgedShift != null) {
            if (judgedShift.length != channels) {
                throw new IllegalArgumentException(tensor + ": judged shifts need " + channels + " channels");
            }
            for (int p : judgedShift) {
                if (p < 0 || p > ShiftProfile.MAX_SHIFT) {
                    throw new IllegalArgumentException(tensor + ": a judged shift of " + p + ", expected 0.." + ShiftProfile.MAX_SHIFT);
                }
            }
        }
    }

    /** A site whose static shifts follow from its profile. */
    public Site(String tensor, int axis, int channels, List<String> consumers, int[] channelMax,
                int[] order, int[] fourBitChannels, int[] gather, String producer, ShiftProfile profile, FourBit.Codes codes) {
        this(tensor, axis, channels, consumers, channelMax, order, fourBitChannels, gather, producer, profile, codes, null);
    }

    public Site withSelection(int[] newOrder, int[] counts) {
        return new Site(tensor, axis, channels, consumers, channelMax, newOrder, counts, gather, producer, profile, codes, judgedShift);
    }

    public Site withProfile(ShiftProfile p) {
        return new Site(tensor, axis, channels, consumers, channelMax, order, fourBitChannels, gather, producer, p, codes, judgedShift);
    }

    public Site withCodes(FourBit.Codes c) {
        return new Site(tensor, axis, channels, consumers, channelMax, order, fourBitChannels, gather, producer, profile, c, judgedShift);
    }

    /** The site with static shifts judged at the outputs, per channel as {@link #judgedShift} says; null to derive them again. */
    public Site withJudgedShift(int[] perChannel) {
        return new Site(tensor, axis, channels, consumers, channelMax, order, fourBitChannels, gather, producer, profile, codes,
                perChannel == null ? null : perChannel.clone());
    }

    public static int[] identity(int n) {
        int[] id = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = i;
        }
        return id;
    }
}
