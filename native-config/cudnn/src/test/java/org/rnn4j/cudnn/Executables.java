package org.rnn4j.cudnn;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Finding build tools (nvcc, g++) for the tests that use them when present. Stateless. */
final class Executables {
    /** The kernels' host builds use {@code _Float16} (cuda_shim.h), which g++ has for x86-64 since version 12. */
    static final int GXX_MIN_MAJOR = 12;

    private Executables() {}

    /** The path of {@code tool} in a directory of PATH, or null when it is not there. */
    static String onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(File.pathSeparator)) {
            File f = new File(d, tool);
            if (f.isFile() && f.canExecute()) return f.getPath();
        }
        return null;
    }

    /** Why the g++ on PATH cannot build the kernels for the host (missing or too old), or null when it can. */
    static String gxxProblem() {
        String gxx = onPath("g++");
        if (gxx == null) return "g++ is not on PATH (Debian: apt-get install g++)";
        try {
            Process p = new ProcessBuilder(gxx, "-dumpversion").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) return gxx + " -dumpversion failed: " + version;
            return gxxVersionProblem(version);
        } catch (IOException e) {
            return "cannot run " + gxx + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking " + gxx + " for its version";
        }
    }

    /** Why g++ of {@code -dumpversion} output {@code version} ("12", "11.4.0") is too old, or null when it is not. */
    static String gxxVersionProblem(String version) {
        int dot = version.indexOf('.');
        int major;
        try {
            major = Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
        } catch (NumberFormatException e) {
            return "cannot read g++'s version from '" + version + "'";
        }
        return major >= GXX_MIN_MAJOR ? null : "g++ " + version + " is older than " + GXX_MIN_MAJOR
                + ", which the kernels' host build needs for _Float16 (Debian: apt-get install g++-" + GXX_MIN_MAJOR + ")";
    }
}
