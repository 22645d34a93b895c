package org.rnn4j.importers;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;

/**
 * Reconciles the spec an importer inferred from a file with the spec a caller expects, naming every field that
 * differs and the tensor it was inferred from. Stateless.
 */
final class SpecMatch {

    /**
     * What a file fixes and what it leaves open (facts not stored in the weights).
     *
     * @param directions every direction the file's tensors are consistent with; {@code spec.direction()} is one of
     *                   them (e.g. a one-layer bidirectional file fits both concat and sum: only the input width of
     *                   a next layer tells them apart)
     */
    record Inferred(RnnSpec spec, Map<String, String> evidence, Set<Activation.Kind> rnnActivations,
                    Set<Direction> directions, boolean resetModeKnown) {
        Inferred {
            directions = Set.copyOf(directions);
            if (!directions.contains(spec.direction())) {
                throw new IllegalArgumentException("directions " + directions + " must contain " + spec.direction());
            }
        }
    }

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
        if (!inferred.directions().contains(expected.direction())) {
            if (inferred.directions().size() > 1 && expected.direction().count() != file.direction().count()) {
                problems.add("direction: expected " + expected.direction() + " (" + expected.direction().count()
                        + " direction(s)) but the file holds " + file.direction().count() + " direction(s)" + from(inferred, "direction"));
            } else {
                problems.add("direction: expected " + expected.direction() + " but the file holds " + file.direction()
                        + from(inferred, "direction"));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": weights do not fit the expected spec " + expected.caseName()
                    + ": " + String.join("; ", problems));
        }
        return expected;
    }

    /**
     * The stacking of a bidirectional file, told by the input width of its layer 1: S (the state size) for
     * {@link Direction#BIDIRECTIONAL_SUM}, 2·S for {@link Direction#BIDIRECTIONAL_CONCAT}. With one layer
     * ({@code layer1InputWidth} {@code -1}), or a width that is neither (the tensor checks report it), both fit.
     */
    static Set<Direction> bidirectionalStacking(int layer1InputWidth, int stateSize) {
        if (layer1InputWidth == stateSize) return EnumSet.of(Direction.BIDIRECTIONAL_SUM);
        if (layer1InputWidth == 2L * stateSize) return EnumSet.of(Direction.BIDIRECTIONAL_CONCAT);
        return EnumSet.of(Direction.BIDIRECTIONAL_CONCAT, Direction.BIDIRECTIONAL_SUM);
    }

    /** Why {@link #bidirectionalStacking} decided as it did, for the evidence of {@code direction}. */
    static String stackingEvidence(String layer1Tensor, int layer1InputWidth, int stateSize) {
        if (layer1InputWidth == stateSize) {
            return layer1Tensor + ": layer 1 takes S = " + stateSize + " inputs, the two directions summed";
        }
        if (layer1InputWidth == 2L * stateSize) {
            return layer1Tensor + ": layer 1 takes 2·S = " + layer1InputWidth + " inputs, the two directions concatenated"
                    + " (summed they would be S = " + stateSize + ")";
        }
        return layer1Tensor;
    }

    /** The direction an inferred spec gets among those a file fits: concat (PyTorch's only stacking) first. */
    static Direction preferred(Set<Direction> directions) {
        for (Direction d : List.of(Direction.FORWARD, Direction.BIDIRECTIONAL_CONCAT, Direction.BIDIRECTIONAL_SUM, Direction.REVERSE)) {
            if (directions.contains(d)) return d;
        }
        throw new IllegalArgumentException("no direction in " + directions);
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
