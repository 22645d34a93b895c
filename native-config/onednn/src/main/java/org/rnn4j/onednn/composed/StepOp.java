package org.rnn4j.onednn.composed;

import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;

/**
 * One primitive call of a step with the slots bound to its arguments. Immutable and shared between threads: the
 * primitive runs with a user scratchpad supplied per call context.
 *
 * @param implementation oneDNN's name for the implementation it picked, e.g. {@code brg_matmul:avx2}
 * @param scratchpad the primitive's scratchpad descriptor, or null when it needs none
 */
record StepOp(String what, String implementation, primitive primitive, memory.desc scratchpad, long scratchpadBytes, int[] argIds, Slot[] argSlots) { }
