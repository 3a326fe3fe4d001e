package io.newsflow.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class BrokerMainTest {

    @Test
    void shouldDefaultToStateBrokerAndAFreePort() {
        BrokerMain.Options o = BrokerMain.Options.parse(new String[0]);
        assertEquals(Path.of("state/broker"), o.dataDir());
        assertEquals(0, o.port());
    }

    @Test
    void shouldAcceptDataDirAndPort() {
        BrokerMain.Options o = BrokerMain.Options.parse(new String[] {"--data-dir", "/tmp/x", "--port", "19092"});
        assertEquals(Path.of("/tmp/x"), o.dataDir());
        assertEquals(19092, o.port());
    }

    @Test
    void shouldRejectBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> BrokerMain.Options.parse(new String[] {"--port", "abc"}));
        assertThrows(IllegalArgumentException.class, () -> BrokerMain.Options.parse(new String[] {"--port", "70000"}));
        assertThrows(IllegalArgumentException.class, () -> BrokerMain.Options.parse(new String[] {"--data-dir"}));
        assertThrows(IllegalArgumentException.class, () -> BrokerMain.Options.parse(new String[] {"--verbose"}));
        assertTrue(BrokerMain.Options.parse(new String[] {"--help"}).help());
    }
}
