package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * A primitive may want its weights in another layout than the one they were prepared in (on AVX2, every N &gt; 1
 * shape does). Each such layout is reordered once per layer program and shared, not copied per shape: a ragged call
 * binds one primitive per distinct length, and per-shape copies once cost about 45× the weights over one call.
 */
class WeightLayoutSharingTest {
    @Test
    void everyShapeThatWantsTheSameLayoutSharesOneCopy() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm().withAllPeepholes()).inputSize(64).hiddenSize(64).build();
        int[][] shapes = {{1, 1}, {1, 64}, {50, 64}, {200, 7}, {3, 2}, {9, 33}, {1, 5}};
        try (engine eng = new engine(engine.kind.cpu, 0)) {
            PrimitiveDescs descs = new PrimitiveDescs(eng, spec, 0, 0, dnnl.rnn_direction.unidirectional_left2right, 1);
            try (LayerProgram program = new LayerProgram(spec, eng, descs,
                    new UserWeights(spec, 0, List.of(RnnWeights.random(spec, 1).get(0, 0))))) {
                List<BoundPrimitive> bound = new ArrayList<>();
                try {
                    for (int[] tn : shapes) bound.add(program.newPrimitive(tn[0], tn[1], false, false));
                    System.out.println("[onednn] weight copies in other layouts: " + program.relaidCopies());
                    assertEquals(distinctOtherLayouts(program, descs, shapes), program.relaidCopies(),
                            "weight copies: one per distinct layout other than the prepared one");
                } finally {
                    for (BoundPrimitive b : bound) b.close();
                }
            }
        }
    }

    /** How many (slot, layout) pairs the shapes want that differ from the prepared weights and from each other. */
    private static int distinctOtherLayouts(LayerProgram program, PrimitiveDescs descs, int[][] shapes) {
        try (PointerScope scope = new PointerScope()) {
            int count = 0;
            for (int slot = 0; slot < 2; slot++) { // weights_layer and weights_iter; the other slots are not packed
                List<memory.desc> layouts = new ArrayList<>();
                for (int[] tn : shapes) {
                    rnn_primitive_desc_base pd = descs.create(descs.attr(), tn[0], tn[1], false, false);
                    memory.desc wanted = slot == 0 ? pd.weights_layer_desc() : pd.weights_iter_desc();
                    if (program.weight(slot).get_desc().equals(wanted)) continue;
                    if (layouts.stream().noneMatch(wanted::equals)) layouts.add(wanted);
                }
                count += layouts.size();
            }
            return count;
        }
    }
}
