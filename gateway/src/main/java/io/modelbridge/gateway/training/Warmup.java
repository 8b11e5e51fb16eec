package io.modelbridge.gateway.training;

import io.helidon.logging.common.LogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MB_WARMUP: before the gateway starts (so before it listens, and before /readyz can say ready), the training's load
 * is driven through a throwaway gateway in this JVM (its own temporary data folder and embedded PostgreSQL, a loopback
 * upstream, a copy of the bundled openai plugin) for the given length, so that the first real request meets code the
 * JIT compiler has already compiled. Nothing of the operator's is read or written. A failure only logs: the gateway
 * then starts as without a warm-up.
 */
public final class Warmup {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {}

    /** Runs the warm-up for {@code length} with the plugin from {@code pluginsDir}; true when every call answered. */
    public static boolean run(Path pluginsDir, Duration length) {
        LOG.info("Warming up for {} s before listening (MB_WARMUP)", length.toSeconds());
        long began = System.nanoTime();
        AotTraining.Result result = null;
        Throwable failure = null;
        List<Runnable> restore = quiet();
        try {
            result = AotTraining.run(pluginsDir, new AotTraining.Load("warmup", "Warm-up", Integer.MAX_VALUE, length));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Exception | LinkageError e) {
            failure = e;
        } finally {
            restore.forEach(Runnable::run);
        }
        long tookMs = Duration.ofNanos(System.nanoTime() - began).toMillis();
        if (failure != null) {
            LOG.warn("The warm-up failed after {} ms, starting without it: {}", tookMs, failure.toString());
            return false;
        }
        LOG.info("Warm-up done in {} ms: {} answers, {} failures", tookMs, result.ok(), result.failed());
        return result.failed() == 0;
    }

    /**
     * Until the returned actions run, the log handlers pass warnings only: the throwaway gateway's INFO lines (its
     * folder, its "listening" line) would read as the operator's gateway's.
     */
    private static List<Runnable> quiet() {
        // Helidon reads logging.properties anew (new handlers) once, at its first server's start: done now, not later.
        LogConfig.configureRuntime();
        List<Runnable> restore = new ArrayList<>();
        for (Handler handler : java.util.logging.Logger.getLogger("").getHandlers()) {
            Filter before = handler.getFilter();
            handler.setFilter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()
                    && (before == null || before.isLoggable(r)));
            restore.add(() -> handler.setFilter(before));
        }
        return restore;
    }
}
