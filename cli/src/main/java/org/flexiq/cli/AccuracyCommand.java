package org.flexiq.cli;

import org.flexiq.workbench.AccuracyStudy;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.Ratios;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.reports.TextTable;
import org.flexiq.reports.TextTable.Align;
import org.flexiq.workloads.data.DataSpec;
import org.flexiq.workloads.data.LabeledImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "accuracy", mixinStandardHelpOptions = true,
        description = "Top-1 accuracy of a quantized model on real data per 4-bit ratio, selection method and extraction, "
                + "with float and 8-bit baselines.")
final class AccuracyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "A quantized .flx (sim quantize).")
    String model;

    @Option(names = "--data", required = true, paramLabel = "SPEC", description = "Evaluation data, e.g. fashion-mnist:test.")
    String data;

    @Option(names = "--ratios", defaultValue = "0,0.25,0.5,0.75,1.0", description = "Ratios to evaluate; each must be stored (default: ${DEFAULT-VALUE}).")
    String ratios;

    @Option(names = "--compare", paramLabel = "METHODS", description = "Selection methods to compare (default: the file's own). "
            + "Others are selected again from the file's int8 model and calibration data.")
    String compare;

    @Option(names = "--extraction", defaultValue = "effective", description = "Extractions: effective (= static, MSE-optimal shifts), effective-max (= static-max, shifts from the calibrated max), dynamic, naive (default: ${DEFAULT-VALUE}).")
    String extraction;

    @Option(names = "--float", paramLabel = "MODEL", description = "Float model for the baseline (default: the file's source, when it can be found).")
    String floatModel;

    @Option(names = "--population", defaultValue = "50", description = "Evolutionary re-selection: population (default: ${DEFAULT-VALUE}).")
    int population;

    @Option(names = "--generations", defaultValue = "50", description = "Evolutionary re-selection: generations (default: ${DEFAULT-VALUE}).")
    int generations;

    @Option(names = "--json", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = "--csv", converter = OutputPaths.File.class, paramLabel = "FILE", description = "Also write the results as CSV.")
    Path csv;

    @Override
    public Integer call() throws IOException {
        QuantizedModel q = QuantizedArgument.read(model);
        List<Double> rs = Ratios.parse("--ratios", ratios);
        Ratios.requireStored(q, model, rs);
        List<Extraction> extractions = new ArrayList<>();
        List<ChannelSelection.Method> methods = new ArrayList<>();
        try {
            for (String e : QuantizeCommand.list(extraction)) {
                extractions.add(Extraction.parse(e));
            }
            for (String m : QuantizeCommand.list(compare == null ? q.metadata().getOrDefault("flexiq.selection", "greedy") : compare)) {
                methods.add(ChannelSelection.Method.parse(m));
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(model + ": " + e.getMessage());
        }
        LabeledImages images = DataOption.read("--data", () -> DataSpec.parse(data).load());
        StageLine stage = StageLine.forTerminal(spec.commandLine().getErr(), "accuracy");
        AccuracyStudy study = AccuracyStudy.run(q, model, AccuracyStudy.floatBaseline(q, floatModel), images,
                new AccuracyStudy.Plan(rs, methods, extractions, population, generations, 128), stage, stage);
        stage.done();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s on %s (%d images), G = %d%n", study.model(), data, study.images(), study.groupWidth());
        out.printf(Locale.ROOT, "float: %s   8-bit: %.2f%%%n", study.floatTop1() == null ? "n/a (give --float)"
                : String.format(Locale.ROOT, "%.2f%%", 100 * study.floatTop1()), 100 * study.int8Top1());
        out.print(table(study, rs).render());
        if (json != null) {
            AtomicFiles.write(json, Json.write(json(study, model, data)));
        }
        if (csv != null) {
            AtomicFiles.write(csv, csv(study));
        }
        return Sim.OK;
    }

    /** One row per method and extraction, one column per ratio. */
    private static TextTable table(AccuracyStudy study, List<Double> rs) {
        List<String> headers = new ArrayList<>(List.of("method", "extraction"));
        List<Align> aligns = new ArrayList<>(List.of(Align.LEFT, Align.LEFT));
        for (double r : rs) {
            headers.add(String.format(Locale.ROOT, "%.0f%% 4-bit", r * 100));
            aligns.add(Align.RIGHT);
        }
        TextTable t = new TextTable(headers, aligns);
        List<AccuracyStudy.Point> ps = study.points();
        for (int i = 0; i < ps.size(); i += rs.size()) {
            Extraction e = ps.get(i).extraction();
            List<Object> cells = new ArrayList<>(List.of(ps.get(i).method().id(),
                    e == Extraction.STATIC ? "effective" : e == Extraction.STATIC_MAX ? "effective-max" : e.id()));
            for (AccuracyStudy.Point p : ps.subList(i, i + rs.size())) {
                cells.add(String.format(Locale.ROOT, "%.2f%%", 100 * p.top1()));
            }
            t.row(cells.toArray());
        }
        return t;
    }

    private static Map<String, Object> json(AccuracyStudy study, String file, String data) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", study.model());
        result.put("file", file);
        result.put("data", data);
        result.put("images", study.images());
        result.put("groupWidth", study.groupWidth());
        result.put("floatTop1", study.floatTop1());
        result.put("int8Top1", study.int8Top1());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AccuracyStudy.Point p : study.points()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("method", p.method().id());
            row.put("extraction", p.extraction().id());
            row.put("ratio", p.ratio());
            row.put("top1", p.top1());
            rows.add(row);
        }
        result.put("rows", rows);
        return result;
    }

    private static String csv(AccuracyStudy study) {
        StringBuilder csv = new StringBuilder("method,extraction,ratio,top1\n");
        if (study.floatTop1() != null) {
            csv.append(String.format(Locale.ROOT, "float,,,%.4f%n", study.floatTop1()));
        }
        csv.append(String.format(Locale.ROOT, "int8,,0,%.4f%n", study.int8Top1()));
        for (AccuracyStudy.Point p : study.points()) {
            csv.append(String.format(Locale.ROOT, "%s,%s,%s,%.4f%n", p.method().id(), p.extraction().id(), p.ratio(), p.top1()));
        }
        return csv.toString();
    }
}
