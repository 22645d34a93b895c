package org.rnn4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code rnn4j bench}: reserved for the side-by-side benchmark, which is not built yet. One instance per invocation. */
@Command(name = "bench", description = "Not yet available: will time a spec on chosen backends side by side.")
final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Unmatched java.util.List<String> ignored;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("bench: not yet available in this version of rnn4j");
        return Main.EXIT_BAD_INPUT;
    }
}
