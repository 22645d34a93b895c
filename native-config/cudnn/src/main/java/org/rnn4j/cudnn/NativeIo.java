package org.rnn4j.cudnn;

/**
 * Where one native call's tensors sit, in elements, so that everything crosses the bus in one copy each way: the
 * upload region holds {@code x | hx | cx | seqLengths} and the download region {@code hy | cy | y}, each tensor
 * starting at a multiple of {@link #ALIGN} elements. The device regions (elements of the data type) and their float
 * host staging share these offsets; with F16 the upload's floats are packed into the device's halves by one kernel
 * over {@code [0, lengths)} and the download is widened by one over {@code [0, downloadEnd)}, so the gaps go through
 * the conversions too (their contents are never read). The sequence lengths are int32, and stay in the float buffer
 * on an F16 call (cuDNN reads {@code devSeqLengths} from wherever it points). Immutable.
 */
final class NativeIo {
    /** 128 elements: 512 bytes of floats, 256 of halves — cuDNN's and the copy engines' preferred alignments. */
    static final int ALIGN = 128;

    final long x;
    final long hx;
    final long cx;
    final long lengths;
    /** Elements of the upload: through the lengths. */
    final long uploadEnd;
    final long hy;
    final long cy;
    /** cuDNN's y, or BIDIRECTIONAL_SUM's summed Y (cuDNN's y then has a buffer of its own). */
    final long y;
    /** Elements of the download region. */
    final long downloadRegion;
    /** Elements copied back: through the last wanted output (0: nothing to copy). */
    final long downloadEnd;

    /**
     * Counts in elements; 0 for a tensor the call does not have ({@code hxCount}: no initial h; {@code hyCount}: final
     * h not wanted). {@code yCount} is what the download region holds at {@link #y} (cuDNN's y, or the summed Y only
     * when wanted); {@code wantY} whether it is copied back.
     */
    NativeIo(long xCount, long hxCount, long cxCount, int batch, long hyCount, long cyCount, long yCount, boolean wantY) {
        x = 0;
        hx = align(x + xCount);
        cx = align(hx + hxCount);
        lengths = align(cx + cxCount);
        uploadEnd = lengths + batch;
        hy = 0;
        cy = align(hy + hyCount);
        y = align(cy + cyCount);
        downloadRegion = y + yCount;
        downloadEnd = wantY ? y + yCount : cyCount > 0 ? cy + cyCount : hyCount;
    }

    static long align(long elements) {
        return (elements + ALIGN - 1) / ALIGN * ALIGN;
    }
}
