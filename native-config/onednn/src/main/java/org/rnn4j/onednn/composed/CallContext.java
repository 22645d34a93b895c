package org.rnn4j.onednn.composed;

import org.rnn4j.nativecommon.NativeResources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.rnn4j.onednn.Scratchpad;

/**
 * The per-call state of one plan: scratch tensors, spare state buffers, the xW buffer, the user scratchpad, and
 * one oneDNN memory plus argument map per slot and primitive, prepared once and re-pointed per step. Used by one
 * thread at a time (a run takes it from its plan's pool and gives it back); closed by its plan.
 */
final class CallContext implements AutoCloseable {

    private static final long ALIGN_FLOATS = 16; // 64-byte alignment for every tensor

    private final NativeResources scope = new NativeResources();
    private final StepPlan plan;
    private final Address address = new Address();
    private final memory[] bound;
    private final IntMemoryMap[] args;
    private final long arenaBase;
    /** Spare cell-state buffers {@code [N,H]} for ping-pong and aliasing; spare {@code h [N,S]}. */
    final long cSpareA;
    final long cSpareB;
    final long hSpare;
    final memory projectionScratchpad;
    private FloatPointer xw;
    private long xwFloats;
    /** Bytes of the arena and the scratchpad, fixed at construction. */
    private final long fixedBytes;
    /** Shared by every primitive of the step and the input projection; null when none declares one. */
    private Scratchpad scratchpad;

    CallContext(engine eng, StepPlan plan, InputProjection projection) {
        this.plan = plan;
        try {
            long total = 0;
            Map<Slot, Long> offsets = new HashMap<>();
            for (Slot s : plan.scratch) {
                offsets.put(s, total);
                total += align(s.rows * s.cols);
            }
            long cSize = align(plan.batch * plan.hidden);
            long cOffset = total;
            total += 2 * cSize;
            long hOffset = total;
            total += align(plan.batch * plan.state);
            FloatPointer arena = scope.keep(new FloatPointer(total + ALIGN_FLOATS));
            long bytes = (total + ALIGN_FLOATS) * Float.BYTES;
            arenaBase = alignUp(Address.of(arena));
            cSpareA = arenaBase + cOffset * Float.BYTES;
            cSpareB = cSpareA + cSize * Float.BYTES;
            hSpare = arenaBase + hOffset * Float.BYTES;

            long scratchpadBytes = projection.scratchpadBytes;
            for (StepOp op : plan.ops) scratchpadBytes = Math.max(scratchpadBytes, op.scratchpadBytes());
            long scratchpadBase = 0;
            if (scratchpadBytes > 0) {
                scratchpad = new Scratchpad(scratchpadBytes);
                bytes += scratchpad.nativeBytes();
                scratchpadBase = scratchpad.address();
            }
            projectionScratchpad = projection.scratchpad == null ? null
                    : scope.keep(new memory(projection.scratchpad, eng, new Address().at(scratchpadBase)));

            Map<Slot, memory> scratchMemories = new HashMap<>();
            for (Slot s : plan.scratch) {
                scratchMemories.put(s, scope.keep(new memory(s.desc, eng, new Address().at(arenaBase + offsets.get(s) * Float.BYTES))));
            }
            bound = new memory[plan.bound.length];
            for (Slot s : plan.bound) {
                if (s != null) bound[s.boundIndex] = scope.keep(new memory(s.desc, eng, new Address().at(arenaBase)));
            }
            List<StepOp> ops = plan.ops;
            args = new IntMemoryMap[ops.size()];
            for (int i = 0; i < ops.size(); i++) {
                StepOp op = ops.get(i);
                IntMemoryMap m = scope.keep(new IntMemoryMap());
                for (int a = 0; a < op.argIds().length; a++) {
                    Slot s = op.argSlots()[a];
                    memory mem = switch (s.kind) {
                        case CONSTANT -> s.constant;
                        case BOUND -> bound[s.boundIndex];
                        case SCRATCH -> scratchMemories.get(s);
                    };
                    m.put(op.argIds()[a], mem);
                }
                if (op.scratchpad() != null) {
                    m.put(dnnl.DNNL_ARG_SCRATCHPAD, scope.keep(new memory(op.scratchpad(), eng, new Address().at(scratchpadBase))));
                }
                args[i] = m;
            }
            fixedBytes = bytes;
        } catch (RuntimeException | Error e) {
            scope.close(); // whatever was allocated before the failure (an out-of-memory arena, say)
            if (scratchpad != null) scratchpad.close();
            throw e;
        }
    }

    /** Points bound slot {@code index} at {@code byteAddress}; a slot the plan does not use is ignored. */
    void bind(int index, long byteAddress) {
        if (index < bound.length && bound[index] != null) bound[index].set_data_handle(address.at(byteAddress));
    }

    /** Runs the step program once with the current bindings. */
    void step(stream s) {
        List<StepOp> ops = plan.ops;
        for (int i = 0; i < args.length; i++) {
            ops.get(i).primitive().execute(s, args[i]);
            if (scratchpad != null && Scratchpad.checking()) {
                scratchpad.check(ops.get(i).what() + " (" + ops.get(i).implementation() + ", N=" + plan.batch + ")");
            }
        }
    }

    /** Verifies the scratchpad's guard after the input projection ran (tests only; see {@link Scratchpad}). */
    void checkProjectionScratchpad(long rows) {
        if (scratchpad != null && Scratchpad.checking()) scratchpad.check("the input projection (rows=" + rows + ")");
    }

    /** Native bytes this context holds now: arena, scratchpad and xW buffer. */
    long bytes() {
        return fixedBytes + (xw == null ? 0 : (xwFloats + ALIGN_FLOATS) * Float.BYTES);
    }

    /** Byte address of an xW buffer of at least {@code floats} elements (grown on demand, kept for later calls). */
    long xw(long floats) {
        if (floats > xwFloats) {
            if (xw != null) xw.close();
            xw = new FloatPointer(floats + ALIGN_FLOATS);
            xw.retainReference(); // outlives the PointerScope of the call that grew it; released by close()
            xwFloats = floats;
        }
        return alignUp(Address.of(xw));
    }

    private static long align(long floats) {
        return (floats + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }

    private static long alignUp(long byteAddress) {
        return (byteAddress + 63) & ~63L;
    }

    @Override
    public void close() {
        scope.close();
        if (scratchpad != null) scratchpad.close();
        if (xw != null) {
            xw.close();
            xw = null;
        }
    }
}
