package io.modelbridge.gateway.plugin;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first calls of a version that replaced a working one. One call that works (or fails for a vendor reason)
 * confirms it; {@link #CALLS} calls in a row that fail inside the plugin (an exception or Error of its own) roll
 * traffic back to the previous version.
 */
final class Probation {
    static final int CALLS = 3;
    private final AtomicInteger pluginFailures = new AtomicInteger();
    private final AtomicBoolean decided = new AtomicBoolean();
    private final Runnable confirm;
    private final Runnable rollBack;

    Probation(Runnable confirm, Runnable rollBack) {
        this.confirm = confirm;
        this.rollBack = rollBack;
    }

    /** Records one call's outcome; true once the probation is decided. */
    boolean record(boolean pluginFailed) {
        if (decided.get()) {
            return true;
        }
        if (!pluginFailed) {
            if (decided.compareAndSet(false, true)) {
                confirm.run();
            }
            return true;
        }
        if (pluginFailures.incrementAndGet() >= CALLS && decided.compareAndSet(false, true)) {
            rollBack.run();
            return true;
        }
        return false;
    }
}
