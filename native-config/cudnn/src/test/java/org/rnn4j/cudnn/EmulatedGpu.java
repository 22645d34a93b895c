package org.rnn4j.cudnn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * {@link GpuOps} on an emulated device, so the composed GPU path runs in tests without a GPU: a child process
 * (emulator/emulated_device.cpp, built here with g++ and AddressSanitizer) holds the buffers, runs GEMMs in double and
 * runs the kernels' own CUDA C++ sources compiled as C++. What it checks that a GPU would not: every buffer access is
 * bounds-checked (GEMM and copy extents explicitly, kernels by ASan), new scratch contents are NaN so reading
 * unwritten data shows, and aliasing between a kernel's threads shows through the reversed thread order. What it
 * cannot check: cuBLAS's column-major call and the launch ABI ({@link CudaGpuOps}), and GPU rounding.
 *
 * <p>One process per JVM, shared; each instance is one "stream" and is used by one thread at a time.
 */
final class EmulatedGpu implements GpuOps {
    /** Set to true (CI does) to fail rather than skip when g++ or the emulated device is missing. */
    static final String REQUIRE = "rnn4j.test.requireGpuEmulator";

    private static Process process;
    private static DataInputStream from;
    private static OutputStream to;
    private static Path stderr;
    private static String unavailable;

    private final Map<String, Buf> scratch = new HashMap<>();
    private int launches;
    private int gemms;
    private long downloaded;
    private int closes;

    private record Buf(int id, long count) implements Buffer {}

    /** Null when the emulated device runs here (building and starting it on first use), else why not. */
    static String unavailableReason() { return start(); }

    /** Skips the calling test with the reason the emulator cannot run here, or fails it when it is required. */
    static void assumeAvailable() {
        String reason = start();
        if (reason == null) return;
        if (Boolean.getBoolean(REQUIRE)) Assertions.fail("GPU emulator unavailable: " + reason + " (required by -D" + REQUIRE + ")");
        Assumptions.abort("GPU emulator unavailable: " + reason);
    }

    int launches() { return launches; }

    int gemms() { return gemms; }

    /** Floats copied to the host so far. */
    long downloaded() { return downloaded; }

    @Override
    public Buffer scratch(String slot, long count) {
        // Exactly the size asked for (ASan then catches any read past it) and NaN on every request.
        return fresh(slot, count, false);
    }

    @Override
    public Buffer scratchInts(String slot, long count) { return fresh(slot, count, true); }

    private Buf fresh(String slot, long count, boolean ints) {
        Buf old = scratch.remove(slot);
        if (old != null) free(old);
        Buf b = alloc(count, ints);
        scratch.put(slot, b);
        return b;
    }

    @Override
    public void upload(float[] src, Ref dst) {
        Request r = new Request(3).i32(id(dst)).i64(dst.offset()).i64(src.length);
        for (float v : src) r.f32(v);
        r.send();
    }

    @Override
    public void upload(int[] src, Ref dst) {
        Request r = new Request(4).i32(id(dst)).i64(dst.offset()).i64(src.length);
        for (int v : src) r.i32(v);
        r.send();
    }

    @Override
    public void download(Ref src, float[] dst) {
        downloaded += dst.length;
        synchronized (EmulatedGpu.class) {
            new Request(5).i32(id(src)).i64(src.offset()).i64(dst.length).send();
            try {
                byte[] bytes = new byte[dst.length * 4];
                from.readFully(bytes);
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst);
            } catch (IOException e) {
                throw died(e);
            }
        }
    }

    @Override
    public void copy(Ref src, Ref dst, long count) {
        new Request(7).i32(id(src)).i64(src.offset()).i32(id(dst)).i64(dst.offset()).i64(count).send();
    }

    @Override
    public void gemm(int m, int n, int k, Ref a, int lda, Ref b, int ldb, float beta, Ref c, int ldc) {
        gemms++;
        new Request(8).i32(m).i32(n).i32(k).i32(id(a)).i64(a.offset()).i32(lda).i32(id(b)).i64(b.offset()).i32(ldb)
                .f32(beta).i32(id(c)).i64(c.offset()).i32(ldc).send();
    }

    @Override
    public void launch(Kernel kernel, long threads, Object... args) {
        launches++;
        byte[] name = kernel.entry.getBytes(StandardCharsets.US_ASCII);
        Request r = new Request(9).i32(name.length).bytes(name).i64(threads).i32(args.length);
        for (Object a : args) {
            if (a == null) {
                r.u8('N');
            } else if (a instanceof Ref) {
                r.u8('P').i32(id((Ref) a)).i64(((Ref) a).offset());
            } else if (a instanceof Integer) {
                r.u8('i').i32((Integer) a);
            } else if (a instanceof Float) {
                r.u8('f').f32((Float) a);
            } else {
                throw new IllegalArgumentException(kernel + ": argument of type " + a.getClass().getName());
            }
        }
        r.send();
    }

    @Override
    public void finish() {}

    /** Frees the scratch buffers. */
    @Override
    public void close() {
        closes++;
        for (Buf b : scratch.values()) free(b);
        scratch.clear();
    }

    /** How often {@link #close} ran. */
    int closes() { return closes; }

    private static int id(Ref r) { return ((Buf) r.buffer()).id(); }

    static Buffer allocFloats(long count) { return alloc(count, false); }

    static void free(Buffer b) { free((Buf) b); }

    private static Buf alloc(long count, boolean ints) {
        synchronized (EmulatedGpu.class) {
            new Request(1).i64(count).u8(ints ? 1 : 0).send();
            try {
                byte[] b = new byte[4];
                from.readFully(b);
                return new Buf(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(), count);
            } catch (IOException e) {
                throw died(e);
            }
        }
    }

    private static void free(Buf b) { new Request(2).i32(b.id()).send(); }

    /** One little-endian request; {@link #send} writes it and reads the status byte (and error text). */
    private static final class Request {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Request(int op) { u8(op); }

        Request u8(int v) { out.write(v); return this; }

        Request i32(int v) { out.write(scratch.clear().putInt(v).array(), 0, 4); return this; }

        Request i64(long v) { out.write(scratch.clear().putLong(v).array(), 0, 8); return this; }

        Request f32(float v) { out.write(scratch.clear().putFloat(v).array(), 0, 4); return this; }

        Request bytes(byte[] b) { out.write(b, 0, b.length); return this; }

        /** Sends the request; the reply's payload (if any) is read by the caller while still holding the lock. */
        void send() {
            synchronized (EmulatedGpu.class) {
                if (start() != null) throw new IllegalStateException("GPU emulator unavailable: " + unavailable);
                try {
                    out.writeTo(to);
                    to.flush();
                    int status = from.read();
                    if (status == 0) return;
                    if (status < 0) throw new IOException("end of stream");
                    byte[] msg = new byte[Integer.reverseBytes(from.readInt())];
                    from.readFully(msg);
                    throw new IllegalStateException("emulated device: " + new String(msg, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw died(e);
                }
            }
        }
    }

    private static IllegalStateException died(IOException e) {
        String log;
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            log = Files.readString(stderr);
        } catch (IOException | InterruptedException x) {
            log = "(no log: " + x + ")";
        }
        unavailable = "the emulated device died: " + e;
        return new IllegalStateException("emulated device died (" + e + "); its stderr:\n" + log, e);
    }

    /** Builds and starts the device process once; null when running, else why it cannot. */
    private static String start() {
        synchronized (EmulatedGpu.class) {
            if (process != null || unavailable != null) return unavailable;
            try {
                String problem = Executables.gxxProblem();
                if (problem != null) return unavailable = problem;
                String gxx = Executables.onPath("g++");
                HostBuild build = HostBuild.withKernelSources("rnn4j-emulated-gpu");
                build.copyResource("emulator/emulated_device.cpp");
                StringBuilder dispatch = new StringBuilder();
                for (Kernel k : Kernel.values()) {
                    dispatch.append("if (name == \"").append(k.entry).append("\") return call(").append(k.entry).append(", args, threads);\n");
                }
                build.write("dispatch.inc", dispatch.toString());
                Path exe = build.path("emulated-device");
                build.compile(List.of(gxx, "-std=c++17", "-O1", "-g", "-fsanitize=address,undefined",
                        "-fno-sanitize-recover=undefined", "-Wall", "-Werror", "-Wno-unused-variable", "-I" + build.dir,
                        "-o", exe.toString(), build.path("emulated_device.cpp").toString()), "the emulated device");
                stderr = build.path("stderr.log");
                process = new ProcessBuilder(exe.toString()).redirectError(stderr.toFile()).start();
                // Stop the device and remove its build directory; a crash report (stderr.log) was already read.
                build.deleteAtExit(process::destroy, "rnn4j-emulated-gpu-cleanup");
                from = new DataInputStream(new BufferedInputStream(process.getInputStream()));
                to = new BufferedOutputStream(process.getOutputStream());
                return null;
            } catch (IOException e) {
                return unavailable = "cannot build or start the emulated device: " + e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unavailable = "interrupted while building the emulated device";
            }
        }
    }
}
