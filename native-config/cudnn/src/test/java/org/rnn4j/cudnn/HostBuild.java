package org.rnn4j.cudnn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A temporary directory where a test fixture compiles the composed path's kernel sources as host C++ with g++ (the
 * emulated device, the host CUDA stand-in): the kernels, their headers, {@code cuda_shim.h} and {@code kernels.inc}
 * (an {@code #include} of every kernel) are written on creation. Used by one thread while it builds.
 */
final class HostBuild {
    final Path dir;

    private HostBuild(Path dir) { this.dir = dir; }

    /** A new directory holding the kernel sources, ready for {@code #include "kernels.inc"}. */
    static HostBuild withKernelSources(String prefix) throws IOException {
        HostBuild b = new HostBuild(Files.createTempDirectory(prefix));
        StringBuilder includes = new StringBuilder();
        for (String name : KernelSources.KERNELS) {
            b.write(name, KernelSources.text(name));
            includes.append("#include \"").append(name).append("\"\n");
        }
        for (String name : KernelSources.HEADERS) b.write(name, KernelSources.text(name));
        b.write("kernels.inc", includes.toString());
        b.copyResource("emulator/cuda_shim.h");
        return b;
    }

    Path path(String name) { return dir.resolve(name); }

    void write(String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Copies a test resource next to this class (e.g. "hostcuda/host_cuda.cpp") under its file name. */
    void copyResource(String resource) throws IOException {
        try (InputStream in = HostBuild.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("test resource " + resource + " missing");
            write(Path.of(resource).getFileName().toString(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Runs a compiler command here; a compile error is a test failure (thrown), not a reason to skip. */
    void compile(List<String> cmd, String what) throws IOException, InterruptedException {
        Process cc = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cc.waitFor(300, TimeUnit.SECONDS) || cc.exitValue() != 0) {
            throw new IllegalStateException("g++ failed to build " + what + ": " + cmd + "\n" + log);
        }
    }

    /** At JVM exit: runs {@code first} (e.g. stop a process), then deletes the directory. */
    void deleteAtExit(Runnable first, String threadName) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            first.run();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp directory is harmless
            }
        }, threadName));
    }
}
