package org.flexiq.benchmarks;

import org.flexiq.workloads.flx.FlxReader;
import org.flexiq.workloads.flx.FlxWriter;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Reading and checking a ResNet-18 .flx (46.8 MB, every CRC verified), and writing one. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlxReadBenchmark {
    private Path dir;
    private Path file;
    private ZooModel zoo;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("flx-bench");
        file = dir.resolve("resnet18.flx");
        zoo = ModelZoo.get("resnet18");
        FlxWriter.write(file, zoo.model(zoo.defaults(), 0));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir.resolve("out.flx"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Object readResnet18() throws IOException {
        return FlxReader.read(file);
    }

    @Benchmark
    public void exportResnet18() throws IOException {
        FlxWriter.write(dir.resolve("out.flx"), zoo.model(zoo.defaults(), 0));
    }
}
