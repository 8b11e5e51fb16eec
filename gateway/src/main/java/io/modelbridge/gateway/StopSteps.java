package io.modelbridge.gateway;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * The steps of a stop, run in order to the last even when one fails. A step that throws used to end the stop there:
 * the database and the JFR stream stayed open, and that stream's thread (not a daemon) kept the process alive after
 * SIGTERM, with its PostgreSQL beside it.
 */
final class StopSteps {
    private record Step(String name, Runnable action) {}

    private final Logger log;
    private final List<Step> steps = new ArrayList<>();

    StopSteps(Logger log) {
        this.log = log;
    }

    StopSteps then(String name, Runnable action) {
        steps.add(new Step(name, action));
        return this;
    }

    /** Runs every step; true when none failed. */
    boolean run() {
        boolean clean = true;
        for (Step step : steps) {
            try {
                step.action().run();
            } catch (RuntimeException | Error e) {
                clean = false;
                log.error("Stopping: {} failed: {}", step.name(), GatewayMain.oneLine(e));
            }
        }
        return clean;
    }
}
