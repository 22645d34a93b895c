package org.rnn4j.cudnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Activation;
import org.rnn4j.Availability;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.reference.ReferenceBackend;

/**
 * Entry point for the first GPU session (docs/gpu-validation.md): runs a handful of specs on cuDNN (native and composed
 * paths) and on the float64 reference, prints PASS/FAIL per case with the largest error and its bound, compiles every kernel with NVRTC,
 * checks F16's conversion kernels bit for bit ({@link HalfConversionCheck}), then (argument {@code bench}) the median
 * time per forward call of the benchmark shapes ({@code bench smoke}: the same table on tiny shapes, a rehearsal). Exit status: 0 all passed, 1 a case failed, 2 backend unavailable.
 * Run with {@code -Drnn4j.cudnn.enable=true}. Single-threaded; not part of the library API.
 */
public final class GpuSelfCheck {
    private GpuSelfCheck() {}

    public static void main(String[] args) {
        CudnnBackend cudnn = new CudnnBackend();
        Availability a = cudnn.probe();
        System.out.println("probe: " + a);
        if (!a.available()) System.exit(2);
        int failed = 0;
        int total = 0;
        for (Case c : cases()) {
            total++;
            try {
                if (!c.run(cudnn)) failed++;
            } catch (RuntimeException e) {
                failed++;
                System.out.println("FAIL " + c.name + ": " + e);
                e.printStackTrace(System.out);
            }
        }
        int device = ProbeFacts.deviceIndex(System.getProperty(ProbeFacts.DEVICE_PROPERTY));
        for (String kernel : KernelSources.KERNELS) {
            total++;
            try {
                KernelTarget target = CudaKernels.target(device, null);
                byte[] image = NvrtcCompiler.compile(kernel, target);
                String missing = missingEntries(kernel, target, image);
                boolean ok = missing.isEmpty();
                if (!ok) failed++;
                System.out.println((ok ? "PASS" : "FAIL") + " nvrtc " + kernel + " " + target + ": " + image.length + " bytes"
                        + (ok ? "" : ", " + missing));
            } catch (RuntimeException e) {
                failed++;
                System.out.println("FAIL nvrtc " + kernel + ": " + e);
            }
        }
        total++;
        if (!halfConversions(device)) failed++;
        System.out.println("self-check: " + (total - failed) + "/" + total + " passed");
        if (args.length > 0 && args[0].equals("bench")) {
            boolean smoke = args.length > 1 && args[1].equals("smoke");
            Bench.run(cudnn, smoke);
            ConcurrencyBench.run(cudnn, smoke);
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    /** How many PASS/FAIL lines {@link #main} prints before its total: the cases, one NVRTC compile per kernel file, F16's conversions. */
    static int steps() {
        return cases().size() + KernelSources.KERNELS.size() + 1;
    }

    /**
     * F16's conversion kernels on the GPU, bit for bit against {@link Half} ({@link HalfConversionCheck}): the PTX
     * {@code cvt} instructions run nowhere else before a GPU session.
     */
    private static boolean halfConversions(int device) {
        // The spec only names the check in error messages.
        RnnSpec named = RnnSpec.builder(Cell.lstm()).inputSize(1).hiddenSize(1).dataType(DataType.F16).build();
        try (CudaDevice gpu = new CudaDevice(device, named, PinnedBuffer.limitBytes(null)); GpuOps ops = gpu.newContext()) {
            String bad = HalfConversionCheck.run(ops);
            System.out.println((bad.isEmpty() ? "PASS" : "FAIL") + " f16 conversions (half.cu, sum_directions.cu's half variant)"
                    + " bit for bit against Half: " + (bad.isEmpty() ? HalfConversionCheck.inputs().length + " floats" : bad));
            return bad.isEmpty();
        } catch (RuntimeException e) {
            System.out.println("FAIL f16 conversions: " + e);
            return false;
        }
    }

    /**
     * What is wrong with an NVRTC image, or "" if nothing: a cubin must be an ELF file, PTX text must name each
     * entry point with {@code .entry}, and either must contain the name of every entry point the composed path
     * looks up in that file (a cubin's symbol table holds the unmangled {@code extern "C"} names).
     */
    static String missingEntries(String kernel, KernelTarget target, byte[] image) {
        String text = new String(image, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (target.cubin() && !text.startsWith("\u007fELF")) return "the cubin is not an ELF image";
        List<String> missing = new ArrayList<>();
        for (GpuOps.Kernel k : GpuOps.Kernel.values()) {
            if (!k.file.equals(kernel)) continue;
            String needle = target.cubin() ? k.entry : ".entry " + k.entry;
            if (!text.contains(needle)) missing.add(needle);
        }
        return missing.isEmpty() ? "" : "missing " + missing;
    }

    static List<Case> cases() {
        List<Case> list = new ArrayList<>();
        RnnSpec.Builder lstm = RnnSpec.builder(Cell.lstm()).inputSize(13).hiddenSize(17);
        list.add(new Case(lstm.build(), 5, 3, null, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm()).inputSize(13).hiddenSize(17).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build(), 6, 4, new int[] {6, 0, 3, 1}, Layout.BATCH_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(7).hiddenSize(9)
                .layers(2).direction(Direction.REVERSE).build(), 5, 3, new int[] {5, 2, 0}, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(7).hiddenSize(9)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build(), 4, 2, null, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.rnn(Activation.RELU)).inputSize(3).hiddenSize(5).layers(2)
                .direction(Direction.BIDIRECTIONAL_SUM).build(), 4, 3, new int[] {4, 1, 3}, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.rnn(Activation.TANH)).inputSize(3).hiddenSize(5).build(), 7, 2, null, Layout.BATCH_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm().withProjection(5)).inputSize(6).hiddenSize(11).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build(), 4, 3, new int[] {2, 4, 1}, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT)).inputSize(4).hiddenSize(6).build(), 5, 2, null, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.INPUT_FROM_FORGET)).inputSize(4).hiddenSize(6).build(), 5, 2, null, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm()).inputSize(64).hiddenSize(64).dataType(DataType.F16).build(), 8, 4, null, Layout.TIME_MAJOR));
        // F16 bidirectional-sum: the half variant of the direction-sum kernel (its PTX cvt instructions run only here).
        list.add(new Case(RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(32).hiddenSize(32)
                .direction(Direction.BIDIRECTIONAL_SUM).dataType(DataType.F16).build(), 6, 4, new int[] {6, 0, 3, 1}, Layout.BATCH_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm()).inputSize(5).hiddenSize(7).build(), 4, 2, new int[] {0, 0}, Layout.TIME_MAJOR));
        // The composed path (cuBLAS + NVRTC kernels): one case per feature cuDNN lacks, and a zero-length batch.
        list.add(new Case(RnnSpec.builder(Cell.lstm().withAllPeepholes()).inputSize(13).hiddenSize(17).layers(2)
                .direction(Direction.BIDIRECTIONAL_SUM).build(), 6, 4, new int[] {6, 0, 3, 1}, Layout.BATCH_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.INPUT_FROM_FORGET).withPeepholes(Gate.FORGET))
                .inputSize(4).hiddenSize(6).direction(Direction.REVERSE).build(), 5, 3, new int[] {5, 2, 4}, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(7).hiddenSize(9).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build(), 5, 3, new int[] {5, 2, 0}, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm()).inputSize(6).hiddenSize(8).clip(0.5)
                .activations(Activation.hardSigmoid(0.2, 0.5), Activation.scaledTanh(1.5, 0.7), Activation.SOFTSIGN)
                .build(), 6, 2, null, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.rnn(Activation.leakyRelu(0.1))).inputSize(3).hiddenSize(5)
                .activations(Activation.leakyRelu(0.1), Activation.SOFTSIGN).direction(Direction.BIDIRECTIONAL_CONCAT)
                .build(), 4, 3, new int[] {4, 1, 3}, Layout.BATCH_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm().withProjection(9)).inputSize(6).hiddenSize(7).layers(2).build(),
                4, 3, new int[] {2, 4, 1}, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(64).hiddenSize(64)
                .dataType(DataType.F16).build(), 8, 4, null, Layout.TIME_MAJOR));
        list.add(new Case(RnnSpec.builder(Cell.lstm().withAllPeepholes()).inputSize(5).hiddenSize(7).build(), 4, 2,
                new int[] {0, 0}, Layout.TIME_MAJOR));
        return list;
    }

    /** One comparison against the reference; the bound is derived in {@link #bound}. */
    static final class Case {
        final RnnSpec spec;
        final int steps;
        final int batch;
        final int[] lengths;
        final Layout layout;
        final String name;

        Case(RnnSpec spec, int steps, int batch, int[] lengths, Layout layout) {
            this.spec = spec;
            this.steps = steps;
            this.batch = batch;
            this.lengths = lengths;
            this.layout = layout;
            this.name = spec.caseName() + ",t" + steps + ",n" + batch + (lengths == null ? "" : ",lens=" + Arrays.toString(lengths))
                    + (layout == Layout.BATCH_MAJOR ? ",ntc" : "");
        }

        boolean run(CudnnBackend cudnn) {
            RnnWeights w = RnnWeights.random(spec, 42);
            SplittableRandom rnd = new SplittableRandom(7);
            float[] x = uniform(rnd, steps * batch * spec.inputSize());
            int ld = spec.layers() * spec.direction().count();
            RnnInput.Builder b = RnnInput.builder(x, layout, steps, batch).initialH(uniform(rnd, ld * batch * spec.stateSize()));
            if (spec.cell() instanceof Cell.Lstm) b.initialC(uniform(rnd, ld * batch * spec.hiddenSize()));
            if (lengths != null) b.sequenceLengths(lengths);
            RnnInput in = b.build();
            RnnOutput want;
            RnnOutput got;
            try (PreparedRnn ref = new ReferenceBackend().prepare(spec, w); PreparedRnn gpu = cudnn.prepare(spec, w)) {
                want = ref.forward(in);
                got = gpu.forward(in);
            }
            double err = Math.max(maxAbs(want.y(), got.y()), Math.max(maxAbs(want.hFinal(), got.hFinal()), maxAbs(want.cFinal(), got.cFinal())));
            double bound = bound(spec, steps);
            boolean ok = err <= bound;
            System.out.printf("%s %s: max |err| %.3e (bound %.3e)%n", ok ? "PASS" : "FAIL", name, err, bound);
            return ok;
        }
    }

    /**
     * f32: Higham's γ_K bound for a length-K dot product, 4·u·K·(K/√H + 2) per layer (K = I' + S, u = 2⁻²⁴, terms
     * bounded by weights in ±1/√H and inputs in [−1, 1]), floored at 2e-6·T for the recurrence — the same derivation
     * as the oneDNN agreement test. f16: storage rounds inputs, weights and states with u = 2⁻¹¹ while cuDNN
     * accumulates in f32, so the per-term relative error is u and the sum of K terms errs by u·(K/√H + 2), times 4
     * for gate nonlinearity and state carry, per layer; floored at 4·u·T.
     */
    static double bound(RnnSpec spec, int steps) {
        int k = spec.layerInputSize(spec.layers() - 1) + spec.stateSize();
        k = Math.max(k, spec.inputSize() + spec.stateSize());
        double sumTerms = k / Math.sqrt(spec.hiddenSize()) + 2;
        double projection = spec.cell() instanceof Cell.Lstm && ((Cell.Lstm) spec.cell()).hasProjection() ? 2 : 1;
        if (spec.dataType() == DataType.F16) {
            double u = 0x1p-11;
            return Math.max(4 * u * sumTerms * spec.layers() * projection, 4 * u * steps);
        }
        double u = 0x1p-24;
        return Math.max(4 * u * k * sumTerms * spec.layers() * projection, 2e-6 * steps);
    }

    static float[] uniform(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }

    private static double maxAbs(float[] a, float[] b) {
        if (a == null && b == null) return 0;
        if (a == null || b == null || a.length != b.length) return Double.POSITIVE_INFINITY;
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return Double.isNaN(m) ? Double.POSITIVE_INFINITY : m;
    }
}
