package org.rnn4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-runs {@code rnn4j bench} in a child JVM with OMP_NUM_THREADS set, because oneDNN's OpenMP runtime reads that
 * variable once, when its natives load, and Java cannot change its own environment. The child gets the same JVM
 * options, class path and arguments; its stdout and stderr are copied to the caller's writers; a marker variable
 * stops a second re-run. Stateless; each call starts and waits for one child process.
 */
final class ThreadReexec {
    static final String MARKER = "RNN4J_BENCH_CHILD";
    /** Tells the child that the parent's stderr is a terminal (the child's own is a pipe). */
    static final String TTY = "RNN4J_BENCH_TTY";

    private ThreadReexec() {}

    /** The native thread count of this JVM: OMP_NUM_THREADS when set and valid, else every processor. */
    static int loadedThreads() {
        String v = System.getenv("OMP_NUM_THREADS");
        try {
            if (v != null && !v.isBlank()) return Math.max(1, Integer.parseInt(v.split(",")[0].trim()));
        } catch (NumberFormatException e) {
            // OpenMP ignores a malformed value and uses every processor; so do we.
        }
        return Runtime.getRuntime().availableProcessors();
    }

    static boolean isChild() { return System.getenv(MARKER) != null; }

    /** Runs the command again with OMP_NUM_THREADS={@code threads}; returns the child's exit status. */
    static int rerun(int threads, List<String> args, PrintWriter out, PrintWriter err) throws IOException, InterruptedException {
        List<String> cmd = command(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(), args);
        err.println("note: re-running in a child JVM with OMP_NUM_THREADS=" + threads
                + " (oneDNN fixes its thread count when it loads; this JVM has " + loadedThreads() + ")");
        err.flush();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put(MARKER, "1");
        pb.environment().put(TTY, System.console() != null ? "1" : "0");
        Process p = pb.start();
        p.getOutputStream().close();
        Thread errCopy = copier(p.getErrorStream(), err);
        Thread outCopy = copier(p.getInputStream(), out);
        int status = p.waitFor();
        errCopy.join();
        outCopy.join();
        return status;
    }

    /**
     * The child's command line: this JVM's java, its options, class path and main class, and {@code args}. The child
     * is started with {@code -cp}, where the executable jar's {@code Enable-Native-Access} manifest entry does not
     * apply, so native access is granted on the command line (JavaCPP loads the natives with {@code System.load}, a
     * restricted method from JDK 22 on: without it the child prints warnings, and a future JDK refuses); JDK 17 accepts
     * the option too.
     */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (jvmOptions.stream().noneMatch(o -> o.startsWith(NATIVE_ACCESS))) cmd.add(NATIVE_ACCESS + "=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    private static final String NATIVE_ACCESS = "--enable-native-access";

    private static Thread copier(InputStream from, PrintWriter to) {
        Thread t = new Thread(() -> {
            char[] buf = new char[4096];
            try (Reader r = new InputStreamReader(from, Charset.defaultCharset())) {
                for (int n; (n = r.read(buf)) > 0; ) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "rnn4j-bench-child-output");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
