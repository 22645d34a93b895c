package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** F16 conversions of one copy longer than an int count: consecutive launches cover every element once. */
class ConvertChunksTest {

    private static List<String> chunks(long count, long chunk) {
        List<String> out = new ArrayList<>();
        CudnnPreparedRnn.inChunks(count, chunk, (from, n) -> out.add(from + "+" + n));
        return out;
    }

    @Test
    void chunksCoverTheRangeInOrder() {
        assertEquals(List.of("0+3", "3+3", "6+2"), chunks(8, 3));
        assertEquals(List.of("0+3"), chunks(3, 3));
        assertEquals(List.of(), chunks(0, 3));
        long big = 3 * CudnnPreparedRnn.CONVERT_CHUNK + 5; // beyond an int: each launch's count still is one
        assertEquals(List.of("0+1073741824", "1073741824+1073741824", "2147483648+1073741824", "3221225472+5"),
                chunks(big, CudnnPreparedRnn.CONVERT_CHUNK));
    }
}
