package org.rnn4j.importers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.RnnSpec;

/**
 * Reconciles the spec an importer inferred from a file with the spec a caller expects, naming every field that
 * differs and the tensor it was inferred from. Stateless.
 */
final class SpecMatch {

    /** What a file fixes and what it leaves open (facts not stored in the weights). */
    record Inferred(RnnSpec spec, Map<String, String> evidence, Set<Activation.Kind> rnnActivations,
                    boolean directionCountOnly, boolean resetModeKnown) {}

    private SpecMatch() {}

    /**
     * @return {@code expected} when the file's weights fit it, else (expected null) the inferred spec
     * @throws IllegalArgumentException listing every mismatch: field, expected, what the file holds and where from
     */
    static RnnSpec resolve(String source, Inferred inferred, RnnSpec expected) {
        if (expected == null) return inferred.spec();
        RnnSpec file = inferred.spec();
        List<String> problems = new ArrayList<>();
        String cellProblem = cellMismatch(inferred, expected.cell());
        if (cellProblem != null) problems.add(cellProblem);
        compare(problems, inferred, "inputSize", expected.inputSize(), file.inputSize());
        compare(problems, inferred, "hiddenSize", expected.hiddenSize(), file.hiddenSize());
        compare(problems, inferred, "layers", expected.layers(), file.layers());
        if (inferred.directionCountOnly()) {
            if (expected.direction().count() != file.direction().count()) {
                problems.add("direction: expected " + expected.direction() + " (" + expected.direction().count()
                        + " direction(s)) but the file holds " + file.direction().count() + " direction(s)" + from(inferred, "direction"));
            }
        } else if (expected.direction() != file.direction()) {
            problems.add("direction: expected " + expected.direction() + " but the file holds " + file.direction() + from(inferred, "direction"));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": weights do not fit the expected spec " + expected.caseName()
                    + ": " + String.join("; ", problems));
        }
        return expected;
    }

    private static String cellMismatch(Inferred inferred, Cell want) {
        Cell have = inferred.spec().cell();
        String prefix = "cell: expected " + want.shortName() + " but the file holds ";
        if (have instanceof Cell.Rnn && want instanceof Cell.Rnn) {
            Activation.Kind k = ((Cell.Rnn) want).activation().kind();
            if (inferred.rnnActivations() != null && !inferred.rnnActivations().contains(k)) {
                return "cell: expected " + want.shortName() + " but this format's RNN supports only " + inferred.rnnActivations();
            }
            return null; // the nonlinearity is not stored in the weights: the caller's spec decides
        }
        if (have instanceof Cell.Gru && want instanceof Cell.Gru) {
            if (!inferred.resetModeKnown() || have.equals(want)) return null;
            return prefix + have.shortName() + " (" + ((Cell.Gru) have).resetMode() + ")" + from(inferred, "cell");
        }
        if (have.equals(want)) return null;
        return prefix + have.shortName() + from(inferred, "cell");
    }

    private static void compare(List<String> problems, Inferred inferred, String field, int expected, int actual) {
        if (expected != actual) problems.add(field + ": expected " + expected + " but the file holds " + actual + from(inferred, field));
    }

    private static String from(Inferred inferred, String field) {
        String e = inferred.evidence().get(field);
        return e == null ? "" : " (from " + e + ")";
    }
}
