package org.rnn4j.cudnn;

import java.io.File;

/** Finding build tools (nvcc, g++) for the tests that use them when present. Stateless. */
final class Executables {
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
}
