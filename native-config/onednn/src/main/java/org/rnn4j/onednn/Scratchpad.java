package org.rnn4j.onednn;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A user scratchpad for oneDNN primitives: the bytes they declare ({@code scratchpad_desc().get_size()}), 64-byte
 * aligned, followed by a guard zone of {@link #GUARD} bytes that no primitive should touch.
 *
 * <p>Why the guard: oneDNN 3.11's brgemm matmul (AVX2) with a {@code sum} post-op, M = 1 and K &gt; 1024 was seen
 * writing up to 956 bytes past the scratchpad it declares (reliability.md, bug 29), corrupting the C heap. rnn4j no
 * longer builds that primitive, but a guard costs 4 KiB per context and turns the next such defect into nothing
 * instead of a JVM crash. With {@code -D}{@value #CHECK_PROPERTY}{@code =true} (the tests set it) the guard is filled
 * with a pattern and {@link #check} verifies it after every execution, so the test grid catches any primitive that
 * writes past its declared size.
 *
 * <p>Not thread-safe: one per call context or binding, used by one thread at a time. Owned by whoever made it and
 * closed once.
 */
public final class Scratchpad implements AutoCloseable {
    /** Bytes after the declared size, kept free. */
    public static final long GUARD = 4096;
    public static final String CHECK_PROPERTY = "rnn4j.onednn.checkScratchpads";
    private static final boolean CHECK = Boolean.getBoolean(CHECK_PROPERTY);
    private static final byte PATTERN = (byte) 0xA5;

    private final BytePointer block;
    private final long address;
    private final long declared;
    private final ByteBuffer guard;

    /** @param declaredBytes what the primitives sharing it declare (the largest of them); may be 0 */
    public Scratchpad(long declaredBytes) {
        this.declared = declaredBytes;
        this.block = new BytePointer(bytesFor(declaredBytes));
        block.retainReference(); // outlives any PointerScope it is made in; released by close()
        this.address = (block.address() + 63) & ~63L;
        if (CHECK) {
            // a view from the guard's first byte (asByteBuffer() starts at a pointer's address, not its position)
            guard = new BytePointer(new At(address + declaredBytes)).capacity(GUARD).asByteBuffer();
            for (int i = 0; i < GUARD; i++) guard.put(i, PATTERN);
        } else {
            guard = null;
        }
    }

    /** Byte address of the first declared byte, 64-byte aligned. */
    public long address() { return address; }

    /** Native bytes held, guard included. */
    public long nativeBytes() { return bytesFor(declared); }

    /** Native bytes a scratchpad for {@code declaredBytes} holds, guard and alignment included. */
    public static long bytesFor(long declaredBytes) { return declaredBytes + GUARD + 64; }

    /**
     * When checking is on, throws {@link IllegalStateException} naming {@code what} if a primitive wrote past the
     * declared size (and restores the guard for the next check); otherwise does nothing. Callers on a hot path test
     * {@link #checking()} first, so that production builds no message.
     */
    public void check(String what) {
        if (guard == null) return;
        int last = -1;
        for (int i = 0; i < GUARD; i++) {
            if (guard.get(i) != PATTERN) {
                last = i;
                guard.put(i, PATTERN);
            }
        }
        if (last >= 0) {
            throw new IllegalStateException(what + " wrote " + (last + 1) + " bytes past the " + declared
                    + "-byte scratchpad oneDNN declared for it (a oneDNN defect; the guard zone absorbed it)");
        }
    }

    /** Whether guards are checked in this JVM ({@value #CHECK_PROPERTY}). */
    public static boolean checking() { return CHECK; }

    /** A non-owning pointer at {@link #address()}, for oneDNN memory constructors. */
    public Pointer pointer() {
        return new At(address);
    }

    private static final class At extends Pointer {
        At(long byteAddress) { this.address = byteAddress; }
    }

    @Override
    public void close() { block.releaseReference(); }
}
