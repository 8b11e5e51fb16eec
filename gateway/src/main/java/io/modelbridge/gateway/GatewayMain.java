package io.modelbridge.gateway;

import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.gateway.config.WarmupConfig;
import io.modelbridge.gateway.training.AotTraining;
import io.modelbridge.gateway.training.Warmup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.LogManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Starts the gateway from the environment and stops it gracefully on SIGTERM, SIGINT or SIGHUP, exiting 0. */
public final class GatewayMain {
    /** The argument (with the bundled plugins' folder) that runs {@link AotTraining} instead of the gateway. */
    static final String TRAINING = "--aot-training";

    private GatewayMain() {}

    public static void main(String[] args) throws IOException {
        try (InputStream logging = GatewayMain.class.getResourceAsStream("/logging.properties")) {
            if (System.getProperty("java.util.logging.config.file") == null && logging != null) {
                LogManager.getLogManager().readConfiguration(logging);
            }
        }
        Logger log = LoggerFactory.getLogger(GatewayMain.class);
        if (args.length == 2 && args[0].equals(TRAINING)) {
            System.exit(train(Path.of(args[1]), log));
            return;
        }
        Gateway gateway;
        try {
            GatewayConfig config = GatewayConfig.fromEnvironment(System.getenv());
            WarmupConfig warmup = WarmupConfig.fromEnvironment(System.getenv());
            if (warmup.on()) {
                Warmup.run(config.pluginsDir(), warmup.length());
            }
            gateway = Gateway.start(config);
        } catch (IllegalArgumentException e) {
            log.error("Configuration error: {}", oneLine(e));
            System.exit(2);
            return;
        } catch (RuntimeException | Error e) {
            // One line and a non-zero exit, so a supervisor restarts us: the start failed, nothing serves.
            log.error("ModelBridge could not start: {}", oneLine(e));
            System.exit(1);
            return;
        }
        Runnable stop = () -> {
            boolean stopped = false;
            try {
                gateway.drainAndClose(); // runs every step; a failed one is logged (the database down, say)
                stopped = true;
            } finally { // whatever happened, the process ends: nothing else would end it
                Runtime.getRuntime().halt(stopped ? 0 : 1);
            }
        };
        // Our own handlers, not a shutdown hook: a hook cannot make the exit status 0 after SIGTERM. The stopping
        // thread must not be a daemon (as it would be, inheriting from the signal thread): once the listeners have
        // stopped, the JVM would end mid-close, before the last usage rows are written.
        // SIGHUP too (the terminal of a gateway run in the foreground closed): the JVM's own exit on it ran no drain
        // and left the queued usage rows unwritten. Under nohup the JVM leaves an ignored SIGHUP ignored, handler or
        // not.
        // One stop, whatever signals follow the first: two would close the same parts at once.
        AtomicBoolean stopping = new AtomicBoolean();
        for (String signal : new String[] {"TERM", "INT", "HUP"}) {
            Signal.handle(new Signal(signal), sig -> {
                if (stopping.compareAndSet(false, true)) {
                    Thread.ofPlatform().daemon(false).name("shutdown").start(stop);
                } else {
                    log.info("SIG{} while stopping: the stop goes on", sig.getName());
                }
            });
        }
    }

    /** The start-up cache's training run (scripts/java-env.sh, mb_aot_train): 0 when every answer was as expected. */
    private static int train(Path pluginsDir, Logger log) {
        try {
            AotTraining.Result result = AotTraining.run(pluginsDir);
            return result.ok() > 0 && result.failed() == 0 ? 0 : 1;
        } catch (Exception | Error e) {
            log.error("The start-up cache training failed: {}", oneLine(e));
            return 1;
        }
    }

    /** The failure and its root cause, on one line without a stack trace. */
    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = String.valueOf(e.getMessage());
        if (root != e && root.getMessage() != null && !text.contains(root.getMessage())) {
            text += " (" + root.getMessage() + ")";
        }
        text = text.replaceAll("\\s+", " ").strip();
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }
}
