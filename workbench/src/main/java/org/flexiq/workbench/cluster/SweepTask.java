package org.flexiq.workbench.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.reports.SweepPoint;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.workbench.Engine;
import org.flexiq.workbench.ModelCache;
import org.flexiq.workbench.SweepPlan;
import org.flexiq.workbench.SweepPointRunner;
import org.flexiq.workbench.SweepUnit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One sweep unit (an array and G, with the ratios still missing) as data: the model's name or path, the NPU
 * config as JSON, the engine, extraction, seed and ratio floor. A member runs it with its own model cache and answers the
 * points as JSON. Only these fields travel, never code: the class is {@link IdentifiedDataSerializable}, made by
 * {@link SweepTaskFactory} on the member, and Java deserialization is limited to an allow-list
 * ({@link ClusterMembers}).
 */
public final class SweepTask implements Callable<String>, IdentifiedDataSerializable, HazelcastInstanceAware {
    static final int CLASS_ID = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Per member: each (model, G, seed) quantized once, each quantized file read once. */
    private static final ModelCache CACHE = new ModelCache();
    private static final Map<String, QuantizedModel> FILES = new ConcurrentHashMap<>();

    private String model;
    private boolean quantizedFile;
    private String modelName;
    private String npuJson;
    private String energyJson;
    private int rows;
    private int cols;
    private int group;
    private double[] ratios;
    private String engine;
    private String extraction;
    private long seed;
    private double minRatio;
    private int batch;
    private transient String member = "local";

    /** For the factory. */
    public SweepTask() {
    }

    public SweepTask(SweepPlan plan, boolean quantizedFile, String modelName, SweepUnit unit, List<Double> ratios) {
        this.model = plan.model();
        this.quantizedFile = quantizedFile;
        this.modelName = modelName;
        try {
            this.npuJson = JSON.writeValueAsString(plan.preset());
            this.energyJson = JSON.writeValueAsString(plan.energy());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the NPU config as JSON", e);
        }
        this.rows = unit.rows();
        this.cols = unit.cols();
        this.group = unit.group();
        this.ratios = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        this.engine = plan.engine().id();
        this.extraction = plan.extraction().id();
        this.seed = plan.seed();
        this.minRatio = plan.minRatio();
        this.batch = plan.batch();
    }

    public SweepUnit unit() {
        return new SweepUnit(rows, cols, group);
    }

    public String key() {
        return SweepPoint.key(rows, cols, group, ratios[0]);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
        member = ClusterMembers.address(hz);
    }

    /**
     * The answer as JSON: {@code {"member": ..., "points": [...]}}, or {@code {"member": ..., "error": ...,
     * "badInput": ...}} when the unit failed (an exception's class might not deserialize on the coordinator, so
     * its message travels as text).
     */
    @Override
    public String call() {
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("member", member);
        try {
            List<Double> rs = new ArrayList<>();
            for (double r : ratios) {
                rs.add(r);
            }
            SweepPlan plan = new SweepPlan(model, NpuPresets.parse("the sweep's NPU config", npuJson.getBytes(StandardCharsets.UTF_8)),
                    List.of(new int[]{rows, cols}), List.of(group), rs, Engine.parse("engine", engine), Extraction.parse(extraction), seed,
                    EnergyParameters.parse("the sweep's energy parameters", energyJson.getBytes(StandardCharsets.UTF_8)), minRatio, batch);
            QuantizedModel fixed = quantizedFile ? FILES.computeIfAbsent(model, m -> {
                try {
                    return QuantizedFlx.read(Path.of(m));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }) : null;
            answer.put("points", new SweepPointRunner(plan, fixed, modelName, CACHE).run(unit(), rs));
        } catch (Exception e) {
            Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            answer.put("error", member + ": " + (t.getMessage() == null ? t.toString() : t.getMessage()));
            answer.put("badInput", t instanceof org.flexiq.workbench.BadInputException || t instanceof org.flexiq.workloads.flx.FlxFormatException
                    || t instanceof java.nio.file.NoSuchFileException || t instanceof org.flexiq.simulator.ConfigException);
        }
        try {
            return JSON.writeValueAsString(answer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a sweep answer", e);
        }
    }

    /** What a member answered for a task. */
    public record Answer(String member, List<SweepPoint> points, String error, boolean badInput) {
    }

    public static Answer answer(String json) throws IOException {
        com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(json);
        List<SweepPoint> points = n.has("points") ? List.of(JSON.treeToValue(n.get("points"), SweepPoint[].class)) : List.of();
        return new Answer(n.path("member").asText(), points, n.has("error") ? n.get("error").asText() : null, n.path("badInput").asBoolean());
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(model);
        out.writeBoolean(quantizedFile);
        out.writeString(modelName);
        out.writeString(npuJson);
        out.writeString(energyJson);
        out.writeInt(rows);
        out.writeInt(cols);
        out.writeInt(group);
        out.writeDoubleArray(ratios);
        out.writeString(engine);
        out.writeString(extraction);
        out.writeLong(seed);
        out.writeDouble(minRatio);
        out.writeInt(batch);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        model = in.readString();
        quantizedFile = in.readBoolean();
        modelName = in.readString();
        npuJson = in.readString();
        energyJson = in.readString();
        rows = in.readInt();
        cols = in.readInt();
        group = in.readInt();
        ratios = in.readDoubleArray();
        engine = in.readString();
        extraction = in.readString();
        seed = in.readLong();
        minRatio = in.readDouble();
        batch = in.readInt();
    }

    @Override
    public int getFactoryId() {
        return SweepTaskFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }
}
