package org.rnn4j.onednn.composed;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the composed-kernel test classes: one CPU engine and stream per test class, opened before its first test
 * and closed after its last (JUnit runs the inherited static callbacks per subclass; classes run one at a time).
 */
abstract class OnCpu {
    static engine eng;
    static stream strm;

    @BeforeAll
    static void openCpu() {
        eng = KernelHarness.cpu();
        strm = new stream(eng);
    }

    @AfterAll
    static void closeCpu() {
        strm.close();
        eng.close();
    }
}
