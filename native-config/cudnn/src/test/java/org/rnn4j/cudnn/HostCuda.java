package org.rnn4j.cudnn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The host CUDA stand-in (hostcuda/host_cuda.cpp): built here with g++ into {@code libhostcuda.so} plus one empty
 * library per soname the JavaCPP JNI libraries link against (libcudart.so.13, libcuda.so.1, libcublas.so.13,
 * libcublasLt.so.13, libnvrtc.so.13, libcudnn_{graph,ops,adv,cnn}.so.9), each defining the symbol version its JNI
 * library asks for. {@link #run} starts a child JVM with all of them in {@code LD_PRELOAD}, so they win over any
 * real CUDA library on the machine and the cuDNN backend's production code runs on the CPU. Built once per JVM.
 */
final class HostCuda {
    private static final String[] SONAMES = {"libcudart.so.13", "libcuda.so.1", "libcublas.so.13", "libcublasLt.so.13",
            "libnvrtc.so.13", "libcudnn_graph.so.9", "libcudnn_ops.so.9", "libcudnn_adv.so.9", "libcudnn_cnn.so.9"};
    private static Path dir;
    private static String unavailable;

    /** What a child JVM printed and how it ended. */
    record Result(int exitCode, List<String> stdout, String stderr) {}

    private HostCuda() {}

    /** Skips the calling test with the reason the stand-in cannot be built here, or fails it when it is required. */
    static void assumeAvailable() {
        String reason = build();
        if (reason == null) return;
        if (Boolean.getBoolean(EmulatedGpu.REQUIRE)) Assertions.fail("host CUDA stand-in unavailable: " + reason + " (required by -D" + EmulatedGpu.REQUIRE + ")");
        Assumptions.abort("host CUDA stand-in unavailable: " + reason);
    }

    /** Runs {@code mainClass} in a child JVM on this test classpath with the stand-in preloaded and cuDNN enabled. */
    static Result run(Class<?> mainClass, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        return run(Map.of(), mainClass, timeoutSeconds, args);
    }

    /**
     * Like {@link #run(Class, long, String...)} with extra environment variables, which configure the stand-in
     * (host_cuda.cpp: {@code RNN4J_HOSTCUDA_ARCH}, {@code _DRIVER}, {@code _RUNTIME}, {@code _CUDNN_CUDART},
     * {@code _DEVICES}).
     */
    static Result run(Map<String, String> env, Class<?> mainClass, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        if (build() != null) throw new IllegalStateException("host CUDA stand-in unavailable: " + unavailable);
        String preload = preload(dir);
        // A crash of the child (a stand-in or mutation gone wrong) leaves its hs_err log in the build directory, not
        // in the sources (the child runs in the module's directory).
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:ErrorFile=" + Path.of("target", "hs_err_pid%p.log").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "-D" + ProbeFacts.ENABLE_PROPERTY + "=true", mainClass.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.environment().put("LD_PRELOAD", preload);
        Path err = Files.createTempFile(dir, "stderr", ".log");
        Process p = pb.redirectError(err.toFile()).start();
        List<String> out = new ArrayList<>();
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) out.add(line);
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(mainClass.getSimpleName() + " did not finish in " + timeoutSeconds + " s");
        }
        return new Result(p.exitValue(), out, Files.readString(err));
    }

    /**
     * A directory to copy the built libraries into, where they outlive the JVM: for rehearsing the GPU session's
     * scripts under the stand-in (docs/gpu-validation.md), with {@code LD_PRELOAD} as {@link #run} sets it.
     */
    static final String KEEP_PROPERTY = "rnn4j.test.hostcuda.keep";

    private static void keepCopy(String to) throws IOException {
        if (to == null || to.isBlank()) return;
        Path target = Files.createDirectories(Path.of(to));
        for (String lib : libraries()) {
            Files.copy(dir.resolve(lib), target.resolve(lib), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(target.resolve("LD_PRELOAD"), preload(target.toAbsolutePath()) + "\n");
    }

    /** The stand-in first, then the stubs carrying the sonames: every library {@code LD_PRELOAD} names. */
    private static List<String> libraries() {
        List<String> all = new ArrayList<>(List.of("libhostcuda.so"));
        all.addAll(List.of(SONAMES));
        return all;
    }

    /** {@code LD_PRELOAD}'s value for the libraries in {@code in}. */
    private static String preload(Path in) {
        List<String> paths = new ArrayList<>();
        for (String lib : libraries()) paths.add(in.resolve(lib).toString());
        return String.join(":", paths);
    }

    private static synchronized String build() {
        if (dir != null || unavailable != null) return unavailable;
        try {
            String problem = Executables.gxxProblem();
            if (problem != null) return unavailable = problem;
            String gxx = Executables.onPath("g++");
            HostBuild build = HostBuild.withKernelSources("rnn4j-hostcuda");
            build.copyResource("hostcuda/host_cuda.cpp");
            build.copyResource("hostcuda/hostcuda.map");
            StringBuilder entries = new StringBuilder();
            for (GpuOps.Kernel k : GpuOps.Kernel.values()) entries.append("RNN4J_ENTRY(").append(k.entry).append(")\n");
            build.write("entries.inc", entries.toString());
            build.compile(List.of(gxx, "-std=c++17", "-O2", "-fPIC", "-shared", "-Wall", "-Werror", "-Wno-unused-variable",
                    "-I" + build.dir, "-Wl,--version-script=" + build.path("hostcuda.map"), "-Wl,-soname,libhostcuda.so",
                    "-o", build.path("libhostcuda.so").toString(), build.path("host_cuda.cpp").toString()), "the host CUDA stand-in");
            build.write("stub.c", "void rnn4j_hostcuda_stub(void) {}\n");
            for (String soname : SONAMES) {
                // The version node named like the library: what the JNI libraries' version needs ask that file for.
                build.write(soname + ".map", soname + " { global: rnn4j_hostcuda_stub; local: *; };\n");
                build.compile(List.of(gxx, "-x", "c", "-shared", "-fPIC", "-Wl,--version-script=" + build.path(soname + ".map"),
                        "-Wl,-soname," + soname, "-o", build.path(soname).toString(), build.path("stub.c").toString()), soname);
            }
            build.deleteAtExit(() -> { }, "rnn4j-hostcuda-cleanup");
            dir = build.dir;
            keepCopy(System.getProperty(KEEP_PROPERTY));
            return null;
        } catch (IOException e) {
            return unavailable = "cannot build the host CUDA stand-in: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable = "interrupted while building the host CUDA stand-in";
        }
    }
}
