package org.flexiq.cli;

import picocli.CommandLine.Option;

/** The channel search's options, shared by the commands that select channels (quantize, tradeoff). */
final class SearchOptions {
    @Option(names = "--calib", paramLabel = "SPEC", description = "Calibration data: fashion-mnist:SPLIT[:COUNT] or synthetic:COUNT "
            + "(default: fashion-mnist:train:512 for 28x28 models, synthetic:128 otherwise).")
    String calib;

    @Option(names = "--population", defaultValue = "50", description = "Evolutionary search: population (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--generations", defaultValue = "50", description = "Evolutionary search: generations per ratio (default: ${DEFAULT-VALUE}).")
    int generations;

    @Option(names = "--fitness-samples", defaultValue = "128", description = "Calibration samples the fitness uses (default: ${DEFAULT-VALUE}).")
    int fitnessSamples;

    @Option(names = "--budget", defaultValue = "layer", description = "What a 4-bit ratio counts: layer (each site turns that share of "
            + "its groups 4-bit, the paper's reading) or model (that share of the model's MACs, spread over the sites by error per MAC) "
            + "(default: ${DEFAULT-VALUE}).")
    String budget;

    org.flexiq.compiler.select.ChannelSelection.Budget budget() {
        return parsed("--budget", budget, org.flexiq.compiler.select.ChannelSelection.Budget::parse);
    }

    @Option(names = "--fitness", paramLabel = "METRIC", description = "What the search's fitness compares with the 8-bit model's outputs: "
            + "softmax (the outputs' softmax over their last axis, the paper's soft labels) or outputs (the outputs themselves) "
            + "(default: outputs; a quantized file: its own).")
    String fitness;

    /** The chosen fitness, or null where none was given. */
    org.flexiq.compiler.select.ChannelSelection.Fitness fitness() {
        return fitness == null ? null : parsed("--fitness", fitness, org.flexiq.compiler.select.ChannelSelection.Fitness::parse);
    }

    /** An option's value parsed, or a one-line error naming the option. */
    private static <T> T parsed(String option, String value, java.util.function.Function<String, T> parse) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new org.flexiq.workbench.BadInputException(option + ": " + e.getMessage());
        }
    }

    /** The chosen fitness, or the default for a model selected here. */
    org.flexiq.compiler.select.ChannelSelection.Fitness fitnessOrDefault() {
        var f = fitness();
        return f != null ? f : org.flexiq.compiler.select.ChannelSelection.Fitness.DEFAULT;
    }

    @Option(names = "--codes", defaultValue = "signed", description = "4-bit activation codes: signed (3 magnitude bits), or unsigned "
            + "at the sites that are never negative, after a ReLU (4 magnitude bits there; the NPU and the GPU kernels take either) "
            + "(default: ${DEFAULT-VALUE}).")
    String codes;

    /** Whether --codes asks for unsigned codes where a site is never negative. */
    boolean unsignedCodes() {
        return switch (codes) {
            case "signed" -> false;
            case "unsigned" -> true;
            default -> throw new org.flexiq.workbench.BadInputException("--codes: expected signed or unsigned, got '" + codes + "'");
        };
    }

    @Option(names = "--static-shifts", paramLabel = "RULE", defaultValue = "mse", description = "How each group's static activation shift "
            + "is chosen: mse (least expected squared error of its codes over the calibration data) or outputs (judged at the model's "
            + "outputs on the fitness samples, starting from mse; slower) (default: ${DEFAULT-VALUE}).")
    String staticShifts;

    org.flexiq.compiler.select.ChannelSelection.StaticShifts staticShifts() {
        return parsed("--static-shifts", staticShifts, org.flexiq.compiler.select.ChannelSelection.StaticShifts::parse);
    }

    @Option(names = "--seed", defaultValue = "0", description = "Seed of random and evolutionary selection (default: ${DEFAULT-VALUE}).")
    long seed;
}
