package org.flexiq.cli;

import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.reports.TextTable;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workbench.Ratios;
import org.flexiq.workbench.Tradeoff;
import org.flexiq.workbench.TradeoffPlan;
import org.flexiq.workbench.TradeoffReport;
import org.flexiq.workbench.TradeoffResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "tradeoff", mixinStandardHelpOptions = true,
        description = "What each 4-bit ratio buys in latency and costs in accuracy, for one model on one NPU: quantizes with real "
                + "calibration, selects channels per method, times every ratio (outputs checked against the golden executor) and "
                + "measures top-1 per method and extraction on real images.")
final class TradeoffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A float .flx or zoo name (quantized here), or a quantized .flx (its stored ratios).")
    String model;

    @Option(names = "--npu", defaultValue = "flexiq-npu", paramLabel = "PRESET|FILE.json", description = "NPU preset or config file (default: ${DEFAULT-VALUE}).")
    String npu;

    @Option(names = "--data", defaultValue = "fashion-mnist:test", paramLabel = "SPEC", description = "Evaluation images (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--group", paramLabel = "G", description = "Group width when quantizing (default: the NPU preset's).")
    Integer group;

    @Option(names = "--method", defaultValue = "evolutionary,greedy", paramLabel = "METHODS",
            description = "Selection methods, the first one timed in the table (default: ${DEFAULT-VALUE}); random, greedy, evolutionary.")
    String methods;

    @Option(names = "--ratios", defaultValue = "0.25,0.5,0.75,1", description = "Stored 4-bit ratios (default: ${DEFAULT-VALUE}); 0 is always measured.")
    String ratios;

    @Option(names = "--extraction", defaultValue = "static,dynamic", description = "Accuracy series per method: static, static-max, "
            + "dynamic, naive (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--held-out", defaultValue = "256", description = "Evaluation images each selection's fitness is also reported on (default: ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--independent", description = "Also search each ratio on its own (first method, static): what nesting the ratios costs.")
    boolean independent;

    @Option(names = "--min-ratio", defaultValue = "0", paramLabel = "R", description = "Also time the first method's model compiled to serve "
            + "the ratios from R up, with the weights 4-bit at all of them stored as 4-bit codes (sim run --min-ratio): rows and chart lines "
            + "beside the full program's (default: ${DEFAULT-VALUE}: none).")
    String minRatio;

    @Option(names = "--report", converter = OutputPaths.Folder.class, paramLabel = "DIR", description = "Write report.html (latency/accuracy chart per method and extraction), tradeoff.csv and charts/.")
    Path report;

    @Option(names = "--save", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Write the first method's quantized model (a .flx sim run, accuracy and gpu take).")
    Path save;

    @Option(names = "--json", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--csv", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Also write one row per method, extraction and ratio as CSV.")
    Path csv;

    @Mixin
    EnergyOptions energyOptions = new EnergyOptions();

    @Mixin
    SearchOptions searchOpts = new SearchOptions();

    @Override
    public Integer call() throws Exception {
        List<ChannelSelection.Method> ms = new ArrayList<>();
        List<Extraction> es = new ArrayList<>();
        try {
            for (String m : methods.split(",")) {
                ms.add(ChannelSelection.Method.parse(m.trim()));
            }
            for (String e : extraction.split(",")) {
                es.add(Extraction.parse(e.trim()));
            }
            if (searchOpts.population < 2 || searchOpts.generations < 1 || searchOpts.fitnessSamples < 1 || heldOut < 0) {
                throw new IllegalArgumentException("--population must be >= 2, --generations and --fitness-samples >= 1, --held-out >= 0");
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        List<Double> rs = new ArrayList<>(Ratios.parse("--ratios", ratios));
        rs.removeIf(r -> r == 0);
        Collections.sort(rs);
        for (Path p : new Path[]{json, csv, save}) {
            if (p != null && Files.isDirectory(p)) {
                throw new BadInputException(p + ": is a directory; expected a file to write");
            }
        }
        NpuConfig machine = energyOptions.spec().configure(NpuPresets.load(npu));
        TradeoffPlan plan = new TradeoffPlan(model, machine, group, ms, rs, es, data, searchOpts.calib, searchOpts.population, searchOpts.generations,
                searchOpts.fitnessSamples, heldOut, independent, searchOpts.seed, energyOptions.spec().parameters("--energy", machine),
                searchOpts.budget(), searchOpts.fitness(), searchOpts.unsignedCodes(), searchOpts.staticShifts(), Ratios.parse("--min-ratio", minRatio).get(0));
        PrintWriter err = spec.commandLine().getErr();
        StageLine stage = StageLine.forTerminal(err, "tradeoff");
        Tradeoff.Outcome outcome = Tradeoff.runKeepingModel(plan, stage, stage);
        stage.done();
        TradeoffResult r = outcome.result();
        print(r, machine.arrayRows(), spec.commandLine().getOut());
        if (save != null) { // the model first: the largest write, and the one a later run would miss most
            QuantizedFlx.write(save, outcome.firstModel());
        }
        if (report != null) {
            TradeoffReport.write(report, r);
        }
        if (json != null) {
            AtomicFiles.write(json, Json.write(r));
        }
        if (csv != null) {
            AtomicFiles.write(csv, TradeoffReport.csv(r));
        }
        return Sim.OK;
    }

    private static void print(TradeoffResult r, int arrayRows, PrintWriter o) {
        o.printf(Locale.ROOT, "%s on %s, G = %d; top-1 on %s (%d images)%n", r.model(), r.npu(), r.groupWidth(), r.data(), r.images());
        // why 4 bits may be slower here, as sim run says it
        String narrow = NpuModels.narrowGroupNote(r.groupWidth(), arrayRows);
        if (narrow != null) {
            o.println(narrow);
        }
        o.printf(Locale.ROOT, "float: %s   8-bit: %.2f%%%n", r.floatTop1() == null ? "n/a (quantized input)"
                : String.format(Locale.ROOT, "%.2f%%", 100 * r.floatTop1()), 100 * r.int8Top1());
        List<String> headers = TradeoffReport.headers(r);
        List<TextTable.Align> aligns = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            aligns.add(i == 5 ? TextTable.Align.LEFT : TextTable.Align.RIGHT);
        }
        TextTable t = new TextTable(headers, aligns);
        for (List<String> row : TradeoffReport.rows(r)) {
            t.row(row.toArray());
        }
        o.print(t.render());
        o.println(TradeoffReport.headline(r));
        for (TradeoffResult.Selection s : r.selections()) {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "selection %s (%.1f s): fitness search/held-out", s.method(), s.seconds()));
            for (int i = 0; i < s.ratios().size(); i++) {
                b.append(String.format(Locale.ROOT, "  %.0f%%: %.4g / %.4g", 100 * s.ratios().get(i), s.searchFitness().get(i), s.heldOutFitness().get(i)));
            }
            o.println(b);
        }
        for (TradeoffResult.Series s : r.series()) {
            double w = s.worstStepOverMean();
            if (!Double.isNaN(w)) {
                o.printf(Locale.ROOT, "%s: the worst step between stored ratios loses %.2fx the mean step%n", TradeoffReport.label(s), w);
            }
        }
    }
}
