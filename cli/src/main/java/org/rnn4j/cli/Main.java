package org.rnn4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.UnsupportedConfigurationException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code rnn4j} command: {@code info}, {@code run}, {@code verify}, and a demo when called without arguments.
 * One instance per invocation, single-threaded.
 *
 * <p>Exit status: 0 on success; 2 on bad input (arguments, model, tensor files, unknown or unavailable backend,
 * configuration the backend cannot run), with exactly one line on stderr; 1 on any other failure.
 */
@Command(name = "rnn4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Recurrent layers (RNN, LSTM, GRU) on oneDNN (CPU) or the float64 reference. "
                + "Without a command: a short LSTM demo on the default backend.",
        subcommands = {InfoCommand.class, RunCommand.class, VerifyCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** Bad input of any kind; the message on stderr says which argument or file and what was expected. */
    public static final int EXIT_BAD_INPUT = 2;
    /** A failure that is not the caller's input (native error, bug). */
    public static final int EXIT_FAILURE = 1;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        return new Demo(spec.commandLine().getOut()).run();
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line in-process and returns its exit status; never calls {@link System#exit}. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main()).setOut(out).setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(oneLine(e.getCommandLine().getCommandName() + ": " + e.getMessage()
                    + " (see 'rnn4j " + (e.getCommandLine() == cl ? "" : e.getCommandLine().getCommandName() + " ") + "--help')"));
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println(oneLine(c.getCommandName() + ": " + message(e)));
            return isBadInput(e) ? EXIT_BAD_INPUT : EXIT_FAILURE;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    private static boolean isBadInput(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof BackendUnavailableException
                || e instanceof UnsupportedConfigurationException;
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        if (isBadInput(e) && m != null) return m;
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Messages from nested libraries may span lines; the contract is one line on stderr. */
    static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " | ").trim();
    }

    /** The version from the jar manifest, or {@code dev} when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rnn4j " + (v == null ? "dev" : v)};
        }
    }
}
