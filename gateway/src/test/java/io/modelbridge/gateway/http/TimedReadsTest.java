package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.PlainSocket;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client's bytes read through {@link TimedReads} over a real loopback connection. */
class TimedReadsTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private ReadDeadlines deadlines;
    private ServerSocket listener;
    private Socket client;
    private PlainSocket server;
    private TimedReads reads;

    @BeforeEach
    void connect() throws Exception {
        deadlines = new ReadDeadlines(TIMEOUT);
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        server = PlainSocket.server(listener.accept(), "test", "test");
        reads = new TimedReads(DataReader.create(server), server, TIMEOUT, deadlines);
    }

    @AfterEach
    void close() throws Exception {
        if (server.isConnected()) {
            server.close();
        }
        client.close();
        listener.close();
        deadlines.close();
    }

    @Test
    void aClientThatSendsNothingIsCutAfterTheTimeoutAndForgotten() {
        long started = System.nanoTime();
        assertThrows(RuntimeException.class, reads::get);
        long waitedMs = (System.nanoTime() - started) / 1_000_000;
        assertTrue(waitedMs >= TIMEOUT.toMillis() && waitedMs < TIMEOUT.toMillis() + 1000, waitedMs + " ms");
        assertEquals(0, deadlines.watched(), "the ended connection is no longer swept");
    }

    @Test
    void aClientThatSendsWithinEveryTimeoutIsNotCut() throws Exception {
        OutputStream out = client.getOutputStream();
        for (int i = 0; i < 4; i++) {
            Thread.sleep(TIMEOUT.toMillis() / 2);
            out.write(i);
            out.flush();
            assertArrayEquals(new byte[] {(byte) i}, reads.get());
        }
        client.close();
        assertEquals(null, reads.get(), "the end of the stream");
        assertEquals(0, deadlines.watched());
    }

    /** Issue 16: a timer task per read (scheduled, then cancelled and removed) was ~1 % of the gateway's CPU. */
    @Test
    void aReadThatWaitsSchedulesNothing() throws Exception {
        OutputStream out = client.getOutputStream();
        int reads = 10_000;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long perRead = Long.MAX_VALUE;
        for (int round = 0; round < 4; round++) { // the least of several rounds: the first ones run before the JIT
            long before = threads.getCurrentThreadAllocatedBytes();
            readBytes(out, reads);
            perRead = Math.min(perRead, (threads.getCurrentThreadAllocatedBytes() - before) / reads);
        }
        System.out.printf("TimedReadsTest: %d bytes allocated per read of one byte%n", perRead);
        assertTrue(perRead < 120, perRead + " bytes per read");
    }

    private void readBytes(OutputStream out, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            out.write(i);
            out.flush();
            byte[] got = reads.get();
            if (got.length != 1) {
                throw new AssertionError(got.length + " bytes");
            }
        }
    }
}
