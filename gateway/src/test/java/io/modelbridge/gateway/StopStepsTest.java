package io.modelbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StopStepsTest {
    private final List<String> ran = new ArrayList<>();
    private final StopSteps steps = new StopSteps(LoggerFactory.getLogger(StopStepsTest.class));

    @Test
    void aFailingStepDoesNotKeepTheLaterOnesFromClosingWhatTheyHold() {
        boolean clean = steps.then("listeners", () -> ran.add("listeners"))
                .then("usage rows", () -> {
                    ran.add("usage rows");
                    throw new IllegalStateException("the database is gone");
                })
                .then("plugins", () -> {
                    ran.add("plugins");
                    throw new AssertionError("a plugin's close failed");
                })
                .then("database", () -> ran.add("database"))
                .run();

        assertFalse(clean);
        assertEquals(List.of("listeners", "usage rows", "plugins", "database"), ran);
    }

    @Test
    void aStopWithoutFailuresIsClean() {
        assertTrue(steps.then("listeners", () -> ran.add("listeners")).then("database", () -> ran.add("database")).run());
        assertEquals(List.of("listeners", "database"), ran);
    }
}
