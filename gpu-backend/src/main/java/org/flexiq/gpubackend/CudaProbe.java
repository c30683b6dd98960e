package org.flexiq.gpubackend;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this machine can run CUDA kernels: the driver library ({@code libcuda.so.1}) must be loadable.
 * Looking for it before touching any CUDA binding means a machine without a GPU gets a sentence, never a
 * crash from a native loader.
 */
public final class CudaProbe {
    private CudaProbe() {
    }

    /** The driver library's path, or null with the directories searched in {@link #searched()}. */
    public static Path driver() {
        for (String dir : searched()) {
            Path p = Path.of(dir, "libcuda.so.1");
            if (Files.isReadable(p)) {
                return p;
            }
        }
        return null;
    }

    static List<String> searched() {
        List<String> dirs = new ArrayList<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    dirs.add(d);
                }
            }
        }
        dirs.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64", "/usr/lib/wsl/lib"));
        return dirs;
    }

    /** A sentence saying why latencies are modelled rather than measured. */
    public static String why() {
        Path d = driver();
        return d == null ? "no CUDA driver on this machine (libcuda.so.1 not found in " + String.join(", ", searched().subList(0,
                Math.min(3, searched().size()))) + ", ...)"
                : "whole-model latency is modelled; a CUDA driver is present (" + d + "), so the GEMM kernels are also run and measured";
    }
}
