package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import org.rnn4j.Layout;
import org.rnn4j.RnnInput;

/** Pinned (NIO views) and pageable (pointer copies) staging write and read the same bytes at the same offsets. */
class HostStageTest {

    @Test
    void pinnedAndPageableStagingAgree() {
        int steps = 3, batch = 2, inputSize = 5, channels = 4;
        RnnInput in = RnnInput.builder(ComposedStackTest.values(steps * batch * inputSize, 3), Layout.BATCH_MAJOR, steps, batch)
                .sequenceLengths(new int[] {3, 1}).build();
        SequenceStaging staging = new SequenceStaging(steps, batch, in.sequenceLengths(), true);
        int count = 300;
        float[] states = ComposedStackTest.values(17, 4);
        float[] y = ComposedStackTest.values(steps * batch * channels, 5);
        try (PointerScope scope = new PointerScope()) {
            ByteBuffer direct = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.nativeOrder());
            HostStage pinned = new HostStage.Pinned(new Pointer(direct), direct);
            HostStage.Pageable pageable = new HostStage.Pageable(new FloatPointer(count).zero());
            for (HostStage stage : new HostStage[] {pinned, pageable}) {
                stage.packX(staging, in, inputSize);
                stage.put(128, states);
                stage.put(256, new int[] {3, 1});
                stage.put(200, y);
            }
            float[] fromPinned = pinned.get(0, count);
            float[] fromPageable = pageable.get(0, count);
            for (int i = 0; i < count; i++) {
                assertEquals(Float.floatToRawIntBits(fromPinned[i]), Float.floatToRawIntBits(fromPageable[i]), "element " + i);
            }
            assertEquals(1, new IntPointer(pageable.address()).get(257), "the lengths are int32");
            assertArrayEquals(states, pageable.get(128, states.length));
            assertArrayEquals(pinned.unpackY(staging, 200, y.length, Layout.TIME_MAJOR, channels),
                    pageable.unpackY(staging, 200, y.length, Layout.TIME_MAJOR, channels));
            // X packed as SequenceStaging packs it (REVERSE: each sequence read backwards within its length).
            assertArrayEquals(staging.packX(in.x(), in.layout(), inputSize), pageable.get(0, steps * batch * inputSize));
        }
    }
}
