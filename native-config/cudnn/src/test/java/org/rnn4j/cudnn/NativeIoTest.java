package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One copy each way: the tensors of a native call side by side, aligned, not overlapping, and only what is wanted copied back. */
class NativeIoTest {

    @Test
    void tensorsAreAlignedAndDisjointInBothRegions() {
        // x 7·3·13 = 273, hx and cx 2·3·33 = 198 each, batch 3; hy 198, cy 198, y 7·3·66 = 1386.
        NativeIo io = new NativeIo(273, 198, 198, 3, 198, 198, 1386, true);
        assertEquals(0, io.x);
        assertEquals(384, io.hx); // 273 rounded up to 128s
        assertEquals(640, io.cx);
        assertEquals(896, io.lengths);
        assertEquals(899, io.uploadEnd);
        assertEquals(0, io.hy);
        assertEquals(256, io.cy);
        assertEquals(512, io.y);
        assertEquals(1898, io.downloadRegion);
        assertEquals(1898, io.downloadEnd);
        for (long offset : new long[] {io.x, io.hx, io.cx, io.lengths, io.hy, io.cy, io.y}) {
            assertEquals(0, offset % NativeIo.ALIGN, "offset " + offset);
        }
    }

    @Test
    void absentTensorsTakeNoRoomAndTheDownloadStopsAtTheLastWantedOutput() {
        // No initial states: the lengths follow x.
        NativeIo noStates = new NativeIo(5, 0, 0, 1, 8, 0, 10, true);
        assertEquals(128, noStates.lengths);
        assertEquals(129, noStates.uploadEnd);
        // Y not wanted: cuDNN's y still has its place, but only the states come back.
        NativeIo statesOnly = new NativeIo(5, 0, 0, 1, 8, 8, 10, false);
        assertEquals(256, statesOnly.y);
        assertEquals(266, statesOnly.downloadRegion);
        assertEquals(128 + 8, statesOnly.downloadEnd);
        // Only h: no alignment padding past it is copied.
        assertEquals(8, new NativeIo(5, 0, 0, 1, 8, 0, 10, false).downloadEnd);
        // Bidirectional-sum with Y not wanted: no summed Y in the region at all.
        NativeIo none = new NativeIo(5, 0, 0, 1, 8, 0, 0, false);
        assertTrue(none.downloadRegion >= none.downloadEnd);
        assertEquals(8, none.downloadEnd);
    }
}
