package io.modelbridge.gateway;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.modelbridge.gateway.config.ListenerConfig;
import io.modelbridge.gateway.http.ClientConnections;
import io.modelbridge.gateway.http.ReadDeadlines;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-facing listener, a WebServer of its own so that it can be started again alone. Helidon 4.5's accept
 * loop ends the listener for good on any error from accept(), "Too many open files" included. Two defences:
 * connections are capped ({@link ListenerConfig#maxConnections()}, Helidon's max-tcp-connections: the next ones
 * wait in the kernel's accept queue) below the open-file limit, so client connections alone never exhaust the
 * descriptors; and should accept() fail anyway (descriptors taken by something else, or a cap set too high),
 * {@link #reviveIfStopped()} listens on the same port again as soon as a descriptor is free. It runs on a thread of
 * its own every {@link #WATCH_EVERY}: behind the gateway's housekeeping, a database step hung on a silent connection
 * would keep the port closed for as long as the driver waits (45 s).
 */
final class PublicListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublicListener.class);
    static final Duration WATCH_EVERY = Duration.ofMillis(250);
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("listener-watch").unstarted(r));
    private final String host;
    private final ListenerConfig limits;
    private final Duration gracePeriod;
    private final DirectHandlers directHandlers;
    private final Consumer<HttpRouting.Builder> routes;
    private final Object lock = new Object();
    private final ReadDeadlines readDeadlines;
    private WebServer server;
    private int port;
    private boolean closed;

    PublicListener(String host, int port, ListenerConfig limits, Duration gracePeriod, DirectHandlers directHandlers,
                   Consumer<HttpRouting.Builder> routes) {
        this.host = host;
        this.port = port;
        this.limits = limits;
        this.gracePeriod = gracePeriod;
        this.directHandlers = directHandlers;
        this.routes = routes;
        this.readDeadlines = new ReadDeadlines(limits.idleTimeout());
        this.server = build().start();
        if (!server.isRunning()) {
            readDeadlines.close();
            watch.shutdown();
            throw new IllegalStateException("The OpenAI API listener could not bind " + host + ":" + port);
        }
        this.port = server.port();
        watch.scheduleWithFixedDelay(() -> Gateway.step("public listener", this::reviveIfStopped),
                WATCH_EVERY.toMillis(), WATCH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The running server; tests stop it to stand for Helidon's accept loop ending. */
    WebServer server() {
        synchronized (lock) {
            return server;
        }
    }

    int port() {
        return port;
    }

    /**
     * Called every {@link #WATCH_EVERY}: if the listener is gone, listens on the same port again. Gone means the port can
     * be bound: while a socket listens on it, binding fails. (Helidon's own stop notification cannot be used: after a
     * failed accept() its listener thread waits for itself and never reports the stop.)
     */
    private void reviveIfStopped() {
        synchronized (lock) {
            if (closed || !portIsFree()) {
                return; // listening, or no descriptor free yet: the next call looks again
            }
            server.stop(); // the dead one: releases what is left of it
            WebServer fresh = build().start();
            if (fresh.isRunning()) {
                server = fresh;
                LOG.warn("The OpenAI API listener had stopped (see the error above); listening again on {}:{}",
                        host, port);
            }
        }
    }

    private boolean portIsFree() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private WebServer build() {
        return WebServer.builder()
                .host(host)
                .port(port)
                .shutdownGracePeriod(gracePeriod)
                .maxTcpConnections(limits.maxConnections())
                .idleConnectionTimeout(limits.idleTimeout())
                .idleConnectionPeriod(idleCheckPeriod(limits.idleTimeout()))
                .directHandlers(directHandlers)
                .protocolsDiscoverServices(false) // one connection selector: HTTP/1.1, serving HTTP/1.0 too
                .addConnectionSelector(new ClientConnections(limits.idleTimeout(), readDeadlines))
                .connectionOptions(o -> o.tcpNoDelay(true)) // each SSE event is flushed alone: no Nagle delay
                // The buffer of a streamed response (res.outputStream()), held for the whole stream: SseRelay writes
                // each event in one call and flushes it, and a write larger than the buffer bypasses it.
                .writeBufferSize(Gateway.STREAM_WRITE_BUFFER_BYTES)
                .routing(routes::accept)
                .build();
    }

    /** How often idle connections are looked for: a tenth of the timeout, at least a second (Helidon's resolution). */
    static Duration idleCheckPeriod(Duration idleTimeout) {
        return Duration.ofSeconds(Math.max(1, idleTimeout.toSeconds() / 10));
    }

    @Override
    public void close() {
        watch.shutdownNow();
        synchronized (lock) {
            closed = true;
            server.stop();
            readDeadlines.close();
        }
    }
}
