package org.flexiq.cli;

import org.flexiq.workbench.Reselection;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.CalibrationData;
import org.flexiq.workbench.Ratios;
import org.flexiq.workbench.ModelSource;
import org.flexiq.reports.AtomicFiles;
import org.flexiq.compiler.eval.Accuracy;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.reports.TextTable;
import org.flexiq.reports.TextTable.Align;
import org.flexiq.workloads.data.DataSpec;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
    Path model;

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
        QuantizedModel q = QuantizedFlx.read(model);
        List<Double> rs = Ratios.parse("--ratios", ratios);
        List<Extraction> extractions = new ArrayList<>();
        List<ChannelSelection.Method> methods = new ArrayList<>();
        String own = q.metadata().getOrDefault("flexiq.selection", "greedy");
        try {
            for (double r : rs) {
                q.ratioIndex(r);
            }
            for (String e : QuantizeCommand.list(extraction)) {
                extractions.add(Extraction.parse(e));
            }
            for (String m : QuantizeCommand.list(compare == null ? own : compare)) {
                methods.add(ChannelSelection.Method.parse(m));
            }
        } catch (IllegalArgumentException e) {
            throw new BadInputException(model + ": " + e.getMessage());
        }
        LabeledImages images = DataOption.read("--data", () -> DataSpec.parse(data).load());
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", q.graph().name());
        result.put("file", model.toString());
        result.put("data", data);
        result.put("images", images.size());
        result.put("groupWidth", q.groupWidth());
        Model f = floatBaseline(q);
        Double floatTop1 = f == null ? null : Accuracy.floatTop1(f, images);
        double int8 = Accuracy.goldenTop1(new GoldenExecutor(q, 0, Extraction.STATIC), images);
        result.put("floatTop1", floatTop1);
        result.put("int8Top1", int8);
        List<Map<String, Object>> rows = new ArrayList<>();
        List<String> headers = new ArrayList<>(List.of("method", "extraction"));
        List<Align> aligns = new ArrayList<>(List.of(Align.LEFT, Align.LEFT));
        for (double r : rs) {
            headers.add(String.format(Locale.ROOT, "%.0f%% 4-bit", r * 100));
            aligns.add(Align.RIGHT);
        }
        TextTable t = new TextTable(headers, aligns);
        StringBuilder csvText = new StringBuilder("method,extraction,ratio,top1\n");
        if (floatTop1 != null) {
            csvText.append(String.format(Locale.ROOT, "float,,,%.4f%n", floatTop1));
        }
        csvText.append(String.format(Locale.ROOT, "int8,,0,%.4f%n", int8));
        for (ChannelSelection.Method method : methods) {
            QuantizedModel selected = method.id().equals(own) ? q
                    : Reselection.of(q, model.toString(), method, population, generations, 128, SearchProgress.NONE);
            for (Extraction e : extractions) {
                List<Object> cells = new ArrayList<>(List.of(method.id(), e == Extraction.STATIC ? "effective" : e == Extraction.STATIC_MAX ? "effective-max" : e.id()));
                for (double r : rs) {
                    double top1 = r == 0 ? int8 : Accuracy.goldenTop1(new GoldenExecutor(selected, r, e), images);
                    cells.add(String.format(Locale.ROOT, "%.2f%%", 100 * top1));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("method", method.id());
                    row.put("extraction", e.id());
                    row.put("ratio", r);
                    row.put("top1", top1);
                    rows.add(row);
                    csvText.append(String.format(Locale.ROOT, "%s,%s,%s,%.4f%n", method.id(), e.id(), r, top1));
                }
                t.row(cells.toArray());
            }
        }
        result.put("rows", rows);
        out.printf(Locale.ROOT, "%s on %s (%d images), G = %d%n", q.graph().name(), data, images.size(), q.groupWidth());
        out.printf(Locale.ROOT, "float: %s   8-bit: %.2f%%%n", floatTop1 == null ? "n/a (give --float)" : String.format(Locale.ROOT, "%.2f%%", 100 * floatTop1), 100 * int8);
        out.print(t.render());
        if (json != null) {
            AtomicFiles.write(json, Json.write(result));
        }
        if (csv != null) {
            AtomicFiles.write(csv, csvText.toString());
        }
        return Sim.OK;
    }

    private Model floatBaseline(QuantizedModel q) throws IOException {
        String source = floatModel != null ? floatModel : q.metadata().get("quant.source");
        if (source == null || (floatModel == null && !Files.exists(Path.of(source)) && !org.flexiq.workloads.zoo.ModelZoo.contains(source))) {
            return null;
        }
        ModelSource a = ModelSource.resolve(source);
        if (a.file() != null && a.file().quantized()) {
            throw new BadInputException(source + ": the float baseline must be a float model");
        }
        return a.model();
    }
}
