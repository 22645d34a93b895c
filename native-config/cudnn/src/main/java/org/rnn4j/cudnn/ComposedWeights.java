package org.rnn4j.cudnn;

import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Gate;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Every weight of a spec in one device buffer for the composed path, in rnn4j's own canonical layout (gate blocks
 * i,f,g,o / z,r,n; W {@code [G·H, K]}, R {@code [G·H, S]}, row-major), so no reordering is needed: the GEMMs read W
 * and R as stored. Peepholes become a dense {@code [3, H]} block (i, f, o; zero rows for gates without one). F16
 * specs hold half-rounded values in float (the composed path computes in float). Read-only once uploaded; shared by
 * every call; freed by {@link #release}.
 */
final class ComposedWeights {
    /** Element offsets of one (layer, direction)'s parts in the buffer; -1 where the cell has no such part. */
    record Parts(long w, long r, long wBias, long rBias, long peephole, long projection) {}

    private final Parts[] parts; // index layer · D + direction
    private final GpuOps.Buffer buffer;

    private ComposedWeights(Parts[] parts, GpuOps.Buffer buffer) {
        this.parts = parts;
        this.buffer = buffer;
    }

    /** Lays out {@code weights} for {@code spec} in a buffer of {@code device} and uploads them through {@code ops}. */
    static ComposedWeights upload(RnnSpec spec, RnnWeights weights, GpuDevice device, GpuOps ops) {
        weights.requireCompatible(spec);
        int d = spec.direction().count();
        int h = spec.hiddenSize();
        Cell cell = spec.cell();
        boolean peepholes = cell instanceof Cell.Lstm && !((Cell.Lstm) cell).peepholes().isEmpty();
        Parts[] parts = new Parts[spec.layers() * d];
        long at = 0;
        for (int l = 0; l < spec.layers(); l++) {
            for (int dir = 0; dir < d; dir++) {
                LayerWeights lw = weights.get(l, dir);
                long w = at;
                long r = w + lw.w().length;
                long wb = r + lw.r().length;
                long rb = wb + lw.wBias().length;
                at = rb + lw.rBias().length;
                long peep = peepholes ? at : -1;
                if (peepholes) at += 3L * h;
                long proj = lw.projection() != null ? at : -1;
                if (proj >= 0) at += lw.projection().length;
                parts[l * d + dir] = new Parts(w, r, wb, rb, peep, proj);
            }
        }
        if (at > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("weights: expected at most " + (Integer.MAX_VALUE - 8) + " values for the composed GPU path but the spec has " + at);
        }
        float[] image = new float[(int) at];
        for (int l = 0; l < spec.layers(); l++) {
            for (int dir = 0; dir < d; dir++) {
                LayerWeights lw = weights.get(l, dir);
                Parts p = parts[l * d + dir];
                put(image, p.w(), lw.w());
                put(image, p.r(), lw.r());
                put(image, p.wBias(), lw.wBias());
                put(image, p.rBias(), lw.rBias());
                if (p.projection() >= 0) put(image, p.projection(), lw.projection());
                if (p.peephole() >= 0) {
                    for (Gate g : Gate.values()) {
                        if (!((Cell.Lstm) cell).hasPeephole(g)) continue;
                        System.arraycopy(lw.peephole(), g.peepholeRow() * h, image, (int) p.peephole() + g.peepholeRow() * h, h);
                    }
                }
            }
        }
        if (spec.dataType() == DataType.F16) Half.round(image);
        GpuOps.Buffer buffer = device.allocate(image.length);
        try {
            ops.upload(image, buffer.at(0));
            ops.finish();
        } catch (RuntimeException | Error e) {
            device.release(buffer);
            throw e;
        }
        return new ComposedWeights(parts, buffer);
    }

    private static void put(float[] image, long at, float[] values) {
        System.arraycopy(values, 0, image, (int) at, values.length);
    }

    Parts of(int layer, int direction, int directions) { return parts[layer * directions + direction]; }

    GpuOps.Ref at(long offset) { return buffer.at(offset); }

    void release(GpuDevice device) { device.release(buffer); }
}
