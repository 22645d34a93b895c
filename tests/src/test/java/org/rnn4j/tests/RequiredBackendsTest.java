package org.rnn4j.tests;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Backends;

/** Every backend named in -Drnn4j.test.requireBackends is installed and loads on this machine. */
class RequiredBackendsTest {

    @Test
    void everyRequiredBackendIsInstalledAndAvailable() {
        for (String name : TestBackends.required()) {
            Backend found = null;
            for (Backend b : Backends.all()) if (b.name().equals(name)) found = b;
            if (found == null) fail("required backend '" + name + "' is not installed; installed: " + Backends.describeAll());
            if (!found.probe().available()) fail("required backend '" + name + "' is unavailable: " + found.probe().reason());
        }
    }
}
