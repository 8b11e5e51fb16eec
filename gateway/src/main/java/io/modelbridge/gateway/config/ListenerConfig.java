package io.modelbridge.gateway.config;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Bounds of the public listener's connections.
 *
 * @param maxConnections MB_MAX_CONNECTIONS: client connections held at once; the next ones wait in the kernel's accept
 *                       queue until one closes, so accepting never runs the process out of file descriptors
 * @param idleTimeout    MB_IDLE_TIMEOUT_SECONDS: a keep-alive connection with no request for this long is closed
 * @param drainDelay     MB_DRAIN_DELAY_SECONDS: on a graceful stop, how long /readyz answers 503 while requests are
 *                       still served, so load balancers stop sending before the drain turns requests away
 * @param edge           CORS and routing disclosure on the OpenAI API routes
 * @param bodyMemory     MB_BODY_MEMORY_BYTES: request bodies, whole upstream answers and replayed conversations held
 *                       in memory at once, all requests together; a request that would go past it fails 503 before
 *                       more is read (default: a tenth of the heap, at least MB_MAX_BODY_BYTES)
 */
public record ListenerConfig(int maxConnections, Duration idleTimeout, Duration drainDelay, ApiEdgeConfig edge,
                             long bodyMemory) {
    /** Descriptors kept for everything but client connections: jars, plugins, the database pool, logs, the admin API. */
    static final int RESERVED_DESCRIPTORS = 256;
    /** Where the open-file limit cannot be read (not Unix). */
    static final int FALLBACK_MAX_CONNECTIONS = 10_000;
    static final int MIN_MAX_CONNECTIONS = 16;
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Two or three health checks of a load balancer probing every 2 s; under Kubernetes see docs/operations.md. */
    static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(5);
    /**
     * A body costs the gateway several times its size while its request runs (its bytes, the parsed text as it is read,
     * the body sent upstream): 48 bodies of 8 MiB at once ran a 1.5 GiB heap out of memory.
     */
    static final int HEAP_SHARE_FOR_BODIES = 10;

    public ListenerConfig {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("MB_MAX_CONNECTIONS must be at least 1, got " + maxConnections);
        }
        if (idleTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("MB_IDLE_TIMEOUT_SECONDS must be at least 1, got "
                    + idleTimeout.toSeconds());
        }
        if (drainDelay.isNegative()) {
            throw new IllegalArgumentException("MB_DRAIN_DELAY_SECONDS must be 0 or more, got " + drainDelay.toSeconds());
        }
        if (bodyMemory < 1024) {
            throw new IllegalArgumentException("MB_BODY_MEMORY_BYTES must be at least 1024, got " + bodyMemory);
        }
    }

    /** With the default drain delay, edge settings and body memory (for bodies of the default size limit). */
    public ListenerConfig(int maxConnections, Duration idleTimeout) {
        this(maxConnections, idleTimeout, DEFAULT_DRAIN_DELAY, ApiEdgeConfig.defaults(),
                defaultBodyMemory(GatewayConfig.DEFAULT_MAX_BODY_BYTES));
    }

    public static ListenerConfig defaults() {
        return new ListenerConfig(defaultMaxConnections(openFileLimit()), DEFAULT_IDLE_TIMEOUT);
    }

    public ListenerConfig withDrainDelay(Duration delay) {
        return new ListenerConfig(maxConnections, idleTimeout, delay, edge, bodyMemory);
    }

    public ListenerConfig withEdge(ApiEdgeConfig settings) {
        return new ListenerConfig(maxConnections, idleTimeout, drainDelay, settings, bodyMemory);
    }

    public ListenerConfig withBodyMemory(long bytes) {
        return new ListenerConfig(maxConnections, idleTimeout, drainDelay, edge, bytes);
    }

    /** A tenth of the heap, and room for one body of the largest size accepted. */
    static long defaultBodyMemory(long maxBodyBytes) {
        return Math.max(maxBodyBytes, Runtime.getRuntime().maxMemory() / HEAP_SHARE_FOR_BODIES);
    }

    /**
     * Half of what the open-file limit leaves after {@value #RESERVED_DESCRIPTORS} reserved descriptors: each client
     * connection may hold one upstream socket while its request runs.
     */
    static int defaultMaxConnections(long openFileLimit) {
        if (openFileLimit <= 0) {
            return FALLBACK_MAX_CONNECTIONS;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_MAX_CONNECTIONS, (openFileLimit - RESERVED_DESCRIPTORS) / 2));
    }

    /** The process's open-file limit, or -1 where the platform does not say. */
    static long openFileLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    static ListenerConfig fromEnvironment(GatewayConfig.Env env, long maxBodyBytes) {
        long limit = openFileLimit();
        int max = env.integer("MB_MAX_CONNECTIONS", defaultMaxConnections(limit));
        if (limit > 0 && max >= limit) {
            throw new IllegalArgumentException("MB_MAX_CONNECTIONS must be below the open-file limit (ulimit -n "
                    + limit + "), got " + max);
        }
        return new ListenerConfig(max, Duration.ofSeconds(env.integer("MB_IDLE_TIMEOUT_SECONDS",
                (int) DEFAULT_IDLE_TIMEOUT.toSeconds())),
                Duration.ofSeconds(env.integer("MB_DRAIN_DELAY_SECONDS", (int) DEFAULT_DRAIN_DELAY.toSeconds())),
                ApiEdgeConfig.fromEnvironment(env),
                env.wholeNumber("MB_BODY_MEMORY_BYTES", defaultBodyMemory(maxBodyBytes)));
    }
}
