package org.flexiq.gpubackend;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel source compiles with nvcc (present on these machines without a GPU) for Turing and Ampere, where
 * 4-bit groups use int4 MMAs, and for Hopper, where they are widened to int8 MMAs.
 */
class CudaSourceTest {
    private static final Path SOURCE = Path.of("src", "main", "cuda", "flexiq_gemm.cu");

    static Path nvcc() {
        for (String p : List.of("/usr/local/cuda/bin/nvcc", "/usr/local/bin/nvcc", "/usr/bin/nvcc")) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    static String ptx(Path dir, String arch, String... defines) throws Exception {
        Path nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc is not installed here");
        Path out = dir.resolve(arch + ".ptx");
        List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "-arch=" + arch, "-ptx", SOURCE.toString(), "-o", out.toString()));
        cmd.addAll(List.of(defines));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        return Files.readString(out);
    }

    @Test
    void ampereUsesInt4AndInt8TensorCoreInstructions(@TempDir Path dir) throws Exception {
        for (String arch : List.of("sm_80", "sm_86")) {
            String ptx = ptx(dir, arch);
            assertThat(ptx).contains(".entry flexiq_gemm", ".entry flexiq_extract", ".entry flexiq_im2col", "mma.sync.aligned.m16n8k64.row.col.s32.s4.s4.s32",
                    "mma.sync.aligned.m16n8k32.row.col.s32.s4.s4.s32", "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32");
        }
    }

    @Test
    void turingIssuesEachTileAsEightByEightIntegerMmas(@TempDir Path dir) throws Exception {
        String ptx = ptx(dir, "sm_75", "-DFLEXIQ_TURING");
        assertThat(ptx).contains("mma.sync.aligned.m8n8k32.row.col.s32.s4.s4.s32", "mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32")
                .doesNotContain("m16n8k");
    }

    @Test
    void theCommittedPtxIsWhatTheBuildScriptMakesOfTheSource(@TempDir Path dir) throws Exception {
        for (String arch : List.of("sm_75", "sm_80", "sm_90")) {
            String[] defines = switch (arch) {
                case "sm_75" -> new String[]{"-DFLEXIQ_TURING"};
                case "sm_90" -> new String[]{"-DFLEXIQ_WIDEN_INT4"};
                default -> new String[0];
            };
            String fresh = ptx(dir, arch, defines)
                    .replaceFirst("(?m)^\\.version 9\\.0$", ".version 7.8")
                    .replaceAll("(?m)^// (Compiler Build ID|Cuda compilation tools).*\\R", "");
            String committed = Files.readString(Path.of("src", "main", "resources", "org", "flexiq", "gpubackend", "flexiq_gemm." + arch + ".ptx"));
            assertThat(committed).as("run tools/build_ptx.sh after changing flexiq_gemm.cu").isEqualTo(fresh);
        }
    }

    /** The timing model's blocks per SM come from these counts (registers, shared memory): ptxas on the committed PTX, as the driver's JIT compiles it. */
    @Test
    void theSpecsKernelRegistersAreWhatPtxasAllocatesForTheCommittedPtx(@TempDir Path dir) throws Exception {
        Path nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc is not installed here");
        Path ptxas = nvcc.resolveSibling("ptxas");
        Assumptions.assumeTrue(Files.isExecutable(ptxas), "ptxas is not beside nvcc");
        for (GpuSpec g : GpuSpec.KNOWN) {
            String major = g.arch().substring(3, 4);
            Path ptx = Path.of("src", "main", "resources", "org", "flexiq", "gpubackend",
                    "flexiq_gemm." + CudaDevice.ptxArch(Integer.parseInt(major)) + ".ptx");
            Process p = new ProcessBuilder(ptxas.toString(), "-arch=" + g.arch(), "-v", ptx.toString(), "-o", dir.resolve(g.id() + ".cubin").toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(log).isZero();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)entry function 'flexiq_gemm'.*?Used (\\d+) registers.*? (\\d+) bytes smem")
                    .matcher(log);
            assertThat(m.find()).as(log).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as(g.id()).isEqualTo(g.kernelRegisters());
            assertThat(Integer.parseInt(m.group(2))).as(g.id()).isEqualTo(FlexiqGemmTiming.SHARED_BYTES);
        }
    }

    /** gemm_bench links cuBLASLt: built where its header is found (CUBLAS_ROOT, or the CUDA toolkit), for both kernel variants. */
    @Test
    void theCublasLtBenchmarkBuilds(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(nvcc() != null, "nvcc is not installed here");
        String root = System.getenv("CUBLAS_ROOT") != null ? System.getenv("CUBLAS_ROOT") : "/usr/local/cuda";
        Assumptions.assumeTrue(Files.exists(Path.of(root, "include", "cublasLt.h")), "cuBLASLt's header is not in " + root);
        for (String arch : List.of("sm_80", "sm_90")) {
            List<String> cmd = new ArrayList<>(List.of(nvcc().toString(), "-std=c++17", "-arch=" + arch, "-I" + Path.of(root, "include"), "-c",
                    Path.of("src", "main", "cuda", "gemm_bench.cu").toString(), "-o", dir.resolve(arch + ".o").toString()));
            if (arch.equals("sm_90")) {
                cmd.add("-DFLEXIQ_WIDEN_INT4");
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(log).isZero();
        }
    }

    @Test
    void everyDeviceFromTuringOnFindsItsPtxInTheJar() throws Exception {
        assertThat(CudaDevice.ptxArch(7)).isEqualTo("sm_75");
        assertThat(CudaDevice.ptxArch(8)).isEqualTo("sm_80");
        assertThat(CudaDevice.ptxArch(9)).isEqualTo("sm_90");
        assertThat(CudaDevice.ptxArch(10)).isEqualTo("sm_90");
        for (int major = 7; major <= 10; major++) {
            String ptx = new String(CudaDevice.ptx(CudaDevice.ptxArch(major)), StandardCharsets.US_ASCII);
            assertThat(ptx).contains(".target " + CudaDevice.ptxArch(major), ".version 7.8", ".entry flexiq_gemm").endsWith("\0");
        }
    }

    @Test
    void hopperWidensFourBitGroupsToInt8(@TempDir Path dir) throws Exception {
        String ptx = ptx(dir, "sm_90", "-DFLEXIQ_WIDEN_INT4");
        assertThat(ptx).contains("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32").doesNotContain(".s4");
    }
}
