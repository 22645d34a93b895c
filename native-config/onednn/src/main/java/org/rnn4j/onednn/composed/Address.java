package org.rnn4j.onednn.composed;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A reusable, non-owning pointer to an absolute byte address, used to re-point oneDNN memories between steps
 * without allocating; confined to one thread at a time (it lives in a call context).
 */
final class Address extends Pointer {

    Address at(long byteAddress) {
        this.address = byteAddress;
        this.position = 0;
        return this;
    }

    /** Byte address of element {@code position()} of {@code p}: JavaCPP's convention for pointer arguments. */
    static long of(FloatPointer p) {
        return p.address() + p.position() * (long) Float.BYTES;
    }
}
