package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's API example, compiled and run as written. java-api has only the reference backend, so the test names
 * it the way a user would, with {@value Backends#PROPERTY}, and the example's {@code Backends.select()} picks it.
 */
class ReadmeExampleTest {
    private static final String BEGIN = "// --- README example begins";
    private static final String END = "// --- README example ends";

    @Test
    void readmeExampleRuns() {
        String before = System.getProperty(Backends.PROPERTY);
        System.setProperty(Backends.PROPERTY, "reference");
        try {
            // --- README example begins
            RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withAllPeepholes())
                    .inputSize(64).hiddenSize(128).layers(2)
                    .direction(Direction.BIDIRECTIONAL_CONCAT)
                    .build();
            RnnWeights weights = RnnWeights.random(spec, 42);           // or from a file: see "Bring your model"

            Backend backend = Backends.select();                        // best available native backend
            try (PreparedRnn rnn = backend.prepare(spec, weights)) {     // descriptors and weight reorders, once
                float[] x = new float[10 * 4 * 64];                      // [T=10, N=4, I=64], time-major
                RnnInput input = RnnInput.builder(x, Layout.TIME_MAJOR, 10, 4)
                        .sequenceLengths(10, 7, 3, 0)                    // ragged batch, zeros past each length
                        .build();
                RnnOutput out = rnn.forward(input);                      // thread-safe, many callers at once
                float[] y = out.y();                                     // [T, N, 2·128]
                float[] hFinal = out.hFinal();                           // [L·D = 4, N, 128]
                // --- README example ends
                assertEquals("reference", backend.name());
                assertEquals(10 * 4 * 256, y.length);
                assertEquals(4 * 4 * 128, hFinal.length);
            }
        } finally {
            if (before == null) System.clearProperty(Backends.PROPERTY); else System.setProperty(Backends.PROPERTY, before);
        }
    }

    /** The code above is the README's (lines compared without indentation; the README's closes the try block). */
    @Test
    void theExampleHereIsTheReadmes() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## The API in one example");
        assertTrue(section >= 0, "README.md has no '## The API in one example' section");
        int open = readme.subList(section, readme.size()).indexOf("```java") + section;
        int close = readme.subList(open + 1, readme.size()).indexOf("```") + open + 1;
        List<String> fromReadme = trimmed(readme.subList(open + 1, close));
        assertEquals("}", fromReadme.remove(fromReadme.size() - 1), "the README example should end by closing its try block");

        List<String> self = Files.readAllLines(Path.of("src", "test", "java", "org", "rnn4j", "ReadmeExampleTest.java"),
                StandardCharsets.UTF_8);
        List<String> fromTest = trimmed(self.subList(indexOfTrimmed(self, BEGIN) + 1, indexOfTrimmed(self, END)));
        assertEquals(String.join("\n", fromReadme), String.join("\n", fromTest),
                "README.md's API example and ReadmeExampleTest differ");
    }

    private static int indexOfTrimmed(List<String> lines, String marker) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).strip().equals(marker)) return i;
        throw new AssertionError("marker not found: " + marker);
    }

    private static List<String> trimmed(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) if (!l.isBlank()) out.add(l.strip().replaceAll("\\s+//", " //"));
        return out;
    }
}
