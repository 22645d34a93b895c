package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rnn4j info}: installed backends with availability, Java and OS. One instance per invocation. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Lists every installed backend, available or not (with the reason), and the Java runtime and OS.")
final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(new Main.Version().getVersion()[0]);
        out.println("java:     " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                + System.getProperty("java.vm.name") + ")");
        out.println("os:       " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " processors");
        out.println("backends (highest rank first):");
        if (Backends.all().isEmpty()) out.println("  (none installed)");
        for (Backend b : Backends.all()) {
            Availability a = b.probe();
            out.println(String.format("  %-10s %-6s rank %-4d %s", b.name(), b.isNative() ? "native" : "java", b.rank(),
                    a.available() ? "available" + (a.details().isEmpty() ? "" : ": " + a.details()) : "unavailable: " + a.reason()));
        }
        for (String failure : Backends.providerFailures()) out.println("  a provider failed to load: " + Main.oneLine(failure));
        String selected;
        try {
            selected = Backends.select().name();
        } catch (BackendUnavailableException e) {
            selected = "none (" + Main.oneLine(e.getMessage()) + ")";
        }
        out.println("default:  " + selected);
        return 0;
    }
}
