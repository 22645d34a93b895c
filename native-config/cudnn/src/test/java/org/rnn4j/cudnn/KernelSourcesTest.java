package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Activation;

/** The kernel sources ship in the jar, compile with nvcc (when present) and agree with Java on activation codes. */
class KernelSourcesTest {

    @Test
    void everyKernelAndHeaderIsAResource() {
        for (String k : KernelSources.KERNELS) assertTrue(KernelSources.text(k).contains("extern \"C\" __global__"), k);
        for (String h : KernelSources.HEADERS) assertTrue(KernelSources.text(h).contains("__device__ __forceinline__"), h);
    }

    @Test
    void everyEntryPointTheDriverLaunchesIsDefinedInAListedSource() {
        for (GpuOps.Kernel k : GpuOps.Kernel.values()) {
            assertTrue(KernelSources.KERNELS.contains(k.file), k + ": " + k.file + " is not in KernelSources.KERNELS");
            assertTrue(KernelSources.text(k.file).contains("extern \"C\" __global__ void " + k.entry + "("), k + " in " + k.file);
        }
    }

    @Test
    void activationCodesMatchTheKernelSwitch() {
        // activations.cuh labels each case with the ONNX name: "case N: ... // Name" (default: Softplus).
        String header = KernelSources.text("activations.cuh");
        Matcher m = Pattern.compile("case (\\d+):[^\\n]*// (\\w+)").matcher(header);
        int seen = 0;
        while (m.find()) {
            Activation a = Activation.of(Activation.Kind.fromOnnxName(m.group(2)));
            assertEquals(Integer.parseInt(m.group(1)), KernelSources.activationCode(a), m.group(2));
            seen++;
        }
        assertEquals(Activation.Kind.values().length - 1, seen, "every kind but the default branch has a case");
        assertTrue(header.contains("default: return x > 30.0f ? x : log1pf(expf(x));                     // Softplus"));
        assertEquals(10, KernelSources.activationCode(Activation.SOFTPLUS));
    }

    @Test
    void nvrtcAndNvccShareTheLanguageFlags() {
        assertEquals(List.of("--gpu-architecture=sm_90", "-std=c++17"), KernelSources.nvrtcOptions(new KernelTarget(90, true)));
        assertEquals(List.of("--gpu-architecture=compute_89", "-std=c++17"), KernelSources.nvrtcOptions(new KernelTarget(89, false)));
        List<String> nvcc = KernelSources.nvccCommand("nvcc", "a.cu", "inc", "a.ptx", 9, 0);
        assertEquals(List.of("nvcc", "--ptx", "-arch=sm_90", "-std=c++17", "-Iinc", "-o", "a.ptx", "a.cu"), nvcc);
    }

    /**
     * The self-check's test of a cubin (ELF magic, every entry point's name) holds for real cubins: nvcc builds one
     * per kernel file for sm_90 as NVRTC does for {@code --gpu-architecture=sm_90}.
     */
    @Test
    void theSelfChecksCubinTestAcceptsCubinsFromNvcc(@TempDir Path dir) throws IOException, InterruptedException {
        String nvcc = Executables.onPath("nvcc");
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on PATH: the cubin test then runs only in GpuSelfCheck on a GPU machine");
        for (String h : KernelSources.HEADERS) Files.writeString(dir.resolve(h), KernelSources.text(h), StandardCharsets.UTF_8);
        KernelTarget sm90 = new KernelTarget(90, true);
        for (String k : KernelSources.KERNELS) {
            Path src = dir.resolve(k);
            Files.writeString(src, KernelSources.text(k), StandardCharsets.UTF_8);
            Path cubin = dir.resolve(k + ".cubin");
            List<String> cmd = new java.util.ArrayList<>(KernelSources.nvccCommand(nvcc, src.toString(), dir.toString(), cubin.toString(), 9, 0));
            cmd.set(cmd.indexOf("--ptx"), "--cubin");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), k + ": nvcc timed out");
            assertEquals(0, p.exitValue(), k + ": nvcc failed:\n" + log);
            assertEquals("", GpuSelfCheck.missingEntries(k, sm90, Files.readAllBytes(cubin)), k);
        }
        assertTrue(GpuSelfCheck.missingEntries("gru_step.cu", sm90, "\u007fELF rnn4j_gru_step".getBytes(StandardCharsets.ISO_8859_1))
                .contains("rnn4j_gru_reset"), "a missing entry point is named");
    }

    @Test
    void everyKernelCompilesWithNvcc(@TempDir Path dir) throws IOException, InterruptedException {
        String nvcc = Executables.onPath("nvcc");
        Assumptions.assumeTrue(nvcc != null, "nvcc is not on PATH: the kernels are then only compiled by NVRTC on a GPU machine");
        for (String h : KernelSources.HEADERS) Files.writeString(dir.resolve(h), KernelSources.text(h), StandardCharsets.UTF_8);
        for (String k : KernelSources.KERNELS) {
            Path src = dir.resolve(k);
            Files.writeString(src, KernelSources.text(k), StandardCharsets.UTF_8);
            Path ptx = dir.resolve(k + ".ptx");
            Process p = new ProcessBuilder(KernelSources.nvccCommand(nvcc, src.toString(), dir.toString(), ptx.toString(), 9, 0))
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), k + ": nvcc timed out");
            assertEquals(0, p.exitValue(), k + ": nvcc failed:\n" + log);
            String entry = k.replace(".cu", "");
            assertTrue(Files.readString(ptx).contains(".entry rnn4j_" + entry), k + ": PTX has no entry rnn4j_" + entry);
        }
    }
}
