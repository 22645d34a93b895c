package org.rnn4j.cudnn;

import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * NVIDIA GPU backend on cuDNN 9. This release ships only its probe: it finds the CUDA runtime, a device and cuDNN
 * and says which is missing, but the compute path is not implemented yet, so it always reports unavailable and is
 * never selected. Stateless and thread-safe; the probe result is computed once.
 */
public final class CudnnBackend implements Backend {
    public static final String NAME = "cudnn";

    private volatile Availability availability;

    @Override public String name() { return NAME; }

    @Override public int rank() { return 200; }

    @Override public boolean isNative() { return true; }

    @Override
    public Availability probe() {
        Availability a = availability;
        if (a == null) availability = a = CudaProbe.run();
        return a;
    }

    @Override
    public PreparedRnn prepare(RnnSpec spec, RnnWeights weights) {
        throw new BackendUnavailableException("backend 'cudnn' is unavailable: " + probe().reason());
    }
}
