package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.testkit.CaseGrid;

/**
 * The cuDNN backend's production code — probe, {@code CudnnPreparedRnn} (descriptors, weight upload through
 * cudnnGetRNNWeightParams, padded I/O), {@code CudaDevice}/{@code CudaGpuOps}/{@code CudaKernels} (cuBLAS, NVRTC,
 * module load, cuLaunchKernel's argument array) — run end to end in a child JVM on the host CUDA stand-in
 * ({@link HostCuda}), against the float64 reference: the whole F32 and F16 cross-backend grid, 4 threads on one
 * prepared RNN, and the GPU session's self-check. The stand-in models cuDNN from its documentation, so this proves
 * the plumbing and rnn4j's reading of the API; cuDNN's own numerics still need a GPU.
 */
class HostCudaTest {
    private static HostCuda.Result grid;

    @BeforeAll
    static void runOnTheStandIn() throws Exception {
        HostCuda.assumeAvailable();
        grid = HostCuda.run(HostCudaRun.class, 600);
        if (Boolean.getBoolean("rnn4j.test.hostcuda.print")) grid.stdout().forEach(System.out::println);
    }

    @TestFactory
    Stream<DynamicTest> everyCheckPassesOnTheRealBackendCode() {
        List<String[]> lines = results();
        return lines.stream().map(l -> DynamicTest.dynamicTest(l[1] + " (" + l[2] + ")", () -> {
            if (!l[0].equals("PASS")) fail(l[1] + " on the " + l[2] + " path: " + l[3]);
        }));
    }

    @Test
    void theBackendProbedAvailableAndRanTheWholeGridOnBothPaths() {
        assertTrue(grid.stdout().stream().anyMatch(l -> l.startsWith("PROBE\ttrue\t") && l.contains("GPU 0 (rnn4j host stand-in) of 1, "
                        + "driver 13.0, CUDA runtime 13.1, NVRTC 13.1, cuDNN 9.19.0 for CUDA 13.0")),
                "probe line: " + grid.stdout().stream().filter(l -> l.startsWith("PROBE")).findFirst().orElse("(none)") + "\n" + grid.stderr());
        List<String[]> lines = results();
        assertEquals(CaseGrid.f32().size() + CaseGrid.f16().size() + CaseGrid.MIXED_F32 + CaseGrid.MIXED_F16 + 22, lines.size(),
                "checks reported");
        long natives = lines.stream().filter(l -> l[2].equals("native")).count();
        long composed = lines.stream().filter(l -> l[2].equals("composed")).count();
        assertTrue(natives > 100 && composed > 100, natives + " native and " + composed + " composed checks");
        assertEquals(0, grid.exitCode(), "child exit status; stderr:\n" + grid.stderr());
    }

    @Test
    void theBackendMisusedNothingAndFreedEverything() {
        assertFalseViolations(grid);
        assertAllFreed(grid);
    }

    @Test
    void theGpuSessionSelfCheckPassesOnTheStandIn() throws Exception {
        HostCuda.Result self = HostCuda.run(GpuSelfCheck.class, 300);
        String out = String.join("\n", self.stdout());
        assertEquals(0, self.exitCode(), "GpuSelfCheck exit status\n" + out + "\n" + self.stderr());
        int cases = GpuSelfCheck.steps();
        assertTrue(out.contains("self-check: " + cases + "/" + cases + " passed"), out);
        // The stand-in's default driver (13.0) is older than its NVRTC (13.1): only cubins load, as on such a machine.
        for (String kernel : KernelSources.KERNELS) assertTrue(out.contains("PASS nvrtc " + kernel + " sm_90 (cubin)"), out);
        assertTrue(out.contains("PASS f16 conversions"), out);
        assertFalseViolations(self);
    }

    /**
     * The GPU session's benchmark, on tiny shapes: the table gpu-compare.py reads, every native row with a cuDNN time
     * from CUDA events (the stand-in's events time the queued work when it runs), pinned and pageable staging both
     * exercised, composed rows with "-" for the cuDNN time; nothing misused, nothing left alive.
     */
    @Test
    void theGpuSessionBenchRunsOnTheStandIn() throws Exception {
        HostCuda.Result bench = HostCuda.run(GpuSelfCheck.class, 300, "bench", "smoke");
        List<String> out = bench.stdout();
        assertEquals(0, bench.exitCode(), "GpuSelfCheck exit status\n" + String.join("\n", out) + "\n" + bench.stderr());
        int header = out.indexOf(Bench.HEADER);
        int threadsHeader = out.indexOf(ConcurrencyBench.HEADER);
        assertTrue(header >= 0 && threadsHeader > header, String.join("\n", out));
        List<String> rows = out.subList(header + 1, threadsHeader);
        assertEquals(10, rows.size(), String.join("\n", rows));
        // Then calls per second of S1 and S2 on 1 and 2 threads sharing one prepared RNN, and the ratio to 1 thread.
        List<String> threadRows = out.subList(threadsHeader + 1, out.size());
        assertEquals(List.of("1 | S1", "2 | S1", "1 | S2", "2 | S2"),
                threadRows.stream().map(r -> r.substring(0, r.indexOf(" | ", 4))).toList(), String.join("\n", threadRows));
        for (String row : threadRows) {
            String[] cells = row.split(" \\| ");
            assertTrue(Double.parseDouble(cells[2]) > 0 && Double.parseDouble(cells[3]) > 0, row);
        }
        for (String row : rows) {
            String[] cells = row.split(" \\| ");
            assertEquals(11, cells.length, row);
            boolean composed = cells[0].contains("-");
            for (int i : new int[] {5, 6, 8, 9}) assertTrue(Double.parseDouble(cells[i]) > 0, row); // host: pinned, pageable
            for (int i : new int[] {7, 10}) {
                if (composed) {
                    assertEquals("-", cells[i], row); // no cudnnRNNForward to time
                } else {
                    assertTrue(Double.parseDouble(cells[i]) >= 0, row); // a cuDNN time may round to 0 µs
                }
            }
        }
        assertFalseViolations(bench);
        assertAllFreed(bench);
    }

    @Test
    void aDeviceNewerThanNvrtcKnowsRunsTheKernelsFromPtxTheDriverCompiles() throws Exception {
        // Compute capability 13.0 is past the stand-in NVRTC's highest architecture (sm_121); such a device comes
        // with a newer driver (13.2 here), which JIT-compiles PTX of NVRTC 13.1.
        HostCuda.Result self = HostCuda.run(Map.of("RNN4J_HOSTCUDA_ARCH", "130", "RNN4J_HOSTCUDA_DRIVER", "13020"),
                GpuSelfCheck.class, 300);
        String out = String.join("\n", self.stdout());
        assertEquals(0, self.exitCode(), "GpuSelfCheck exit status\n" + out + "\n" + self.stderr());
        int cases = GpuSelfCheck.steps();
        assertTrue(out.contains("self-check: " + cases + "/" + cases + " passed"), out);
        for (String kernel : KernelSources.KERNELS) {
            assertTrue(out.contains("PASS nvrtc " + kernel + " compute_121 (PTX, JIT-compiled by the driver)"), out);
        }
        assertFalseViolations(self);
    }

    @Test
    void aCudnnBuiltForCuda12IsRefusedByTheProbeWithTheFix() throws Exception {
        String probe = probeWith(Map.of("RNN4J_HOSTCUDA_CUDNN_CUDART", "12090"));
        assertTrue(probe.contains("cuDNN 9.19.0 for CUDA 12.9 found, but that cuDNN was built for CUDA 12.9") && probe.contains("cudnn9-cuda-13"), probe);
    }

    @Test
    void aDriverForCuda12IsNamedByTheProbeWithTheFix() throws Exception {
        String probe = probeWith(Map.of("RNN4J_HOSTCUDA_DRIVER", "12080"));
        assertTrue(probe.contains("the NVIDIA driver supports CUDA 12.8") && probe.contains("update the NVIDIA driver"), probe);
    }

    /** The probe line of GpuSelfCheck on the stand-in configured by {@code env}; it must report unavailable (exit 2). */
    private static String probeWith(Map<String, String> env) throws Exception {
        HostCuda.Result r = HostCuda.run(env, GpuSelfCheck.class, 120);
        String out = String.join("\n", r.stdout());
        assertEquals(2, r.exitCode(), "GpuSelfCheck exit status (2: unavailable)\n" + out + "\n" + r.stderr());
        assertFalseViolations(r);
        return r.stdout().stream().filter(l -> l.startsWith("probe: unavailable: ")).findFirst().orElse("(no unavailable probe line) " + out);
    }

    private static HostCuda.Result secondDevice;

    /** HostCudaTwoDevices' scenarios, run once, in a JVM of its own, on a stand-in with 2 devices. */
    private static synchronized HostCuda.Result secondDevice() throws Exception {
        if (secondDevice == null) {
            secondDevice = HostCuda.run(Map.of("RNN4J_HOSTCUDA_DEVICES", "2"), HostCudaTwoDevices.class, 300);
        }
        return secondDevice;
    }

    private static void assertPassed(HostCuda.Result r, String check) {
        String line = r.stdout().stream().filter(l -> l.contains("\t" + check + "\t")).findFirst()
                .orElseThrow(() -> new AssertionError("no line for '" + check + "':\n" + String.join("\n", r.stdout()) + "\n" + r.stderr()));
        assertTrue(line.startsWith("PASS\t"), line + "\n" + r.stderr().lines()
                .filter(l -> l.startsWith("hostcuda VIOLATION")).collect(Collectors.joining("\n")));
    }

    @Test
    void theFirstCudnnHandleIsCreatedAloneWhenFourThreadsPrepareAtOnce() throws Exception {
        HostCuda.Result r = secondDevice();
        assertTrue(r.stdout().stream().anyMatch(l -> l.startsWith("PROBE\ttrue\tavailable (GPU 1 (rnn4j host stand-in) of 2")),
                String.join("\n", r.stdout()) + "\n" + r.stderr());
        assertPassed(r, "4 threads prepare and run as the process's first cuDNN use");
    }

    @Test
    void oneProcessServesTwoGpusWithABackendEach() throws Exception {
        assertPassed(secondDevice(), "a backend per GPU: device 0 (onDevice) and device 1 (the property) in one process, calls interleaved");
    }

    @Test
    void closingOnAnotherThreadReleasesEverythingOnTheRnnsDevice() throws Exception {
        HostCuda.Result r = secondDevice();
        assertPassed(r, "a composed RNN prepared and run on another thread");
        assertPassed(r, "every RNN closed on a thread that never made device 1 current");
        assertEquals(0, r.exitCode(), "child exit status; stderr:\n" + r.stderr());
        assertFalseViolations(r);
        assertAllFreed(r);
    }

    private static HostCuda.Result streamChecks;

    /** {@link HostCudaStreamChecks}, run once in its own child JVM: its deliberate misuse must not mix with the grid's. */
    private static synchronized HostCuda.Result streamChecks() throws Exception {
        if (streamChecks == null) streamChecks = HostCuda.run(HostCudaStreamChecks.class, 120);
        return streamChecks;
    }

    @TestFactory
    Stream<DynamicTest> theStandInModelsWhatCudaLeavesAsynchronous() throws Exception {
        HostCuda.Result r = streamChecks();
        Map<String, String> expected = r.stdout().stream().filter(l -> l.startsWith("EXPECT\t")).map(l -> l.split("\t", 3))
                .collect(Collectors.toMap(l -> l[1], l -> l[2]));
        return r.stdout().stream().filter(l -> l.startsWith("PASS\t") || l.startsWith("FAIL\t")).map(l -> l.split("\t", 4))
                .map(l -> DynamicTest.dynamicTest(l[1], () -> {
                    String reports = reportsDuring(r, l[1]);
                    if (!l[0].equals("PASS")) fail(l[1] + ": " + l[3] + "\n" + reports);
                    String text = expected.get(l[1]);
                    if (text != null) assertTrue(reports.contains(text), "expected a report containing '" + text + "', got:\n" + reports);
                }));
    }

    @Test
    void theStreamChecksAllRanAndFreedEverything() throws Exception {
        HostCuda.Result r = streamChecks();
        assertEquals(0, r.exitCode(), "child exit status; stderr:\n" + r.stderr());
        assertEquals(14, r.stdout().stream().filter(l -> l.startsWith("PASS\t") || l.startsWith("FAIL\t")).count(), String.join("\n", r.stdout()));
        String exit = r.stderr().lines().filter(l -> l.startsWith("hostcuda EXIT")).findFirst().orElse(null);
        assertEquals("hostcuda EXIT: allocations 0, pinned 0, copies 0, work 0, streams 0, events 0, cublas 0, modules 0, "
                + "programs 0, cudnn 0, rnn 0, rnndata 0, tensor 0, dropout 0, violations 6", exit, "objects alive at exit (and the 6 reports the checks cause)");
    }

    /** The stand-in's violation reports between the child's "hostcuda-check name" marker and the next one. */
    private static String reportsDuring(HostCuda.Result r, String check) {
        StringBuilder out = new StringBuilder();
        boolean in = false;
        for (String line : r.stderr().lines().toList()) {
            if (line.startsWith("hostcuda-check ")) in = line.equals("hostcuda-check " + check);
            else if (in && line.startsWith("hostcuda VIOLATION")) out.append(line).append('\n');
        }
        return out.toString();
    }

    private static List<String[]> results() {
        return grid.stdout().stream().filter(l -> l.startsWith("PASS\t") || l.startsWith("FAIL\t"))
                .map(l -> l.split("\t", 4)).collect(Collectors.toList());
    }

    private static void assertFalseViolations(HostCuda.Result r) {
        String violations = r.stderr().lines().filter(l -> l.startsWith("hostcuda VIOLATION")).collect(Collectors.joining("\n"));
        assertEquals("", violations, "API misuse the stand-in reported");
    }

    private static void assertAllFreed(HostCuda.Result r) {
        String exit = r.stderr().lines().filter(l -> l.startsWith("hostcuda EXIT")).findFirst().orElse(null);
        assertTrue(exit != null, "the stand-in's exit report is missing; stderr:\n" + r.stderr());
        assertEquals("hostcuda EXIT: allocations 0, pinned 0, copies 0, work 0, streams 0, events 0, cublas 0, modules 0, "
                + "programs 0, cudnn 0, rnn 0, rnndata 0, tensor 0, dropout 0, violations 0", exit, "objects alive at exit");
    }
}
