package org.rnn4j.cli;

import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;
import picocli.CommandLine.Option;

/**
 * The spec flags of {@code rnn4j run --weights}: every one is optional, because the importers infer the spec from
 * the file; a flag that is given overrides that field, and the importer then checks the file against the result and
 * reports every field that does not fit. Flags matter where the file cannot tell: {@code nn.RNN}'s nonlinearity
 * ({@code --cell rnn-relu}), Keras {@code go_backwards} ({@code --direction reverse}) and
 * {@code merge_mode="sum"} ({@code --direction bidi-sum}). One instance per invocation.
 */
final class SpecOptions {
    @Option(names = "--cell", paramLabel = "CELL", description = CellNames.HELP
            + " (nn.RNN's nonlinearity is not in the file: default tanh; as for bench, gru is reset-before)")
    String cell;

    @Option(names = "--input-size", paramLabel = "I", description = "input channels I")
    Integer inputSize;

    @Option(names = "--hidden-size", paramLabel = "H", description = "hidden size H")
    Integer hiddenSize;

    @Option(names = "--layers", paramLabel = "L", description = "stacked layers L")
    Integer layers;

    @Option(names = "--direction", paramLabel = "DIR", description = Directions.HELP
            + "; Keras go_backwards=True is reverse, Bidirectional merge_mode=\"sum\" is bidi-sum")
    String direction;

    @Option(names = "--proj", paramLabel = "P", description = "LSTM projection size P (PyTorch proj_size)")
    Integer projection;

    /** Whether any spec flag was given. */
    boolean any() {
        return cell != null || inputSize != null || hiddenSize != null || layers != null || direction != null || projection != null;
    }

    /**
     * The spec the file must fit: {@code inferred} with every given flag applied.
     *
     * @throws IllegalArgumentException naming the flag when a value is unknown or the flags do not form a valid spec
     */
    RnnSpec apply(RnnSpec inferred) {
        Cell c = cell == null ? inferred.cell() : CellNames.parse(cell);
        if (projection != null) {
            if (!(c instanceof Cell.Lstm)) {
                throw new IllegalArgumentException("--proj " + projection + ": expected only with an LSTM cell but the cell is "
                        + c.shortName());
            }
            c = ((Cell.Lstm) c).withProjection(projection);
        } else if (cell != null && c instanceof Cell.Lstm && inferred.cell() instanceof Cell.Lstm) {
            c = ((Cell.Lstm) c).withProjection(((Cell.Lstm) inferred.cell()).projectionSize()); // --proj not given: as in the file
        }
        Direction d = direction == null ? inferred.direction() : Directions.parse(direction);
        try {
            return RnnSpec.builder(c).inputSize(inputSize == null ? inferred.inputSize() : inputSize)
                    .hiddenSize(hiddenSize == null ? inferred.hiddenSize() : hiddenSize)
                    .layers(layers == null ? inferred.layers() : layers).direction(d).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec flags (--cell, --input-size, --hidden-size, --layers, --direction, --proj): "
                    + e.getMessage(), e);
        }
    }
}
