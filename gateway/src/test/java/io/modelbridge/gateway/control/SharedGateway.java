package io.modelbridge.gateway.control;

import io.modelbridge.gateway.config.ControlConfig;
import io.modelbridge.gateway.it.RunningGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;

/**
 * One gateway (embedded PostgreSQL, plugin jars) for the single-instance control ITs of this JVM, started once:
 * a start costs seconds. Each test class uses channels, aliases and users of its own names. The circuit breaker
 * opens after 3 failures for {@link #BREAKER_OPEN}.
 */
public final class SharedGateway {
    static final Duration BREAKER_OPEN = Duration.ofSeconds(3);
    private static RunningGateway instance;

    private SharedGateway() {}

    public static synchronized RunningGateway get() {
        if (instance == null) {
            try {
                instance = RunningGateway.start(Files.createTempDirectory("mb-control-it"),
                        c -> RunningGateway.exposingRouting(
                                c.withControl(ControlConfig.defaults().withBreaker(3, BREAKER_OPEN))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            RunningGateway started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "control-it-gateway-stop"));
        }
        return instance;
    }
}
