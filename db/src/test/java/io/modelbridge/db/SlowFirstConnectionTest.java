package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A start whose database answers new connections slowly (here 3 s, as a cold JVM on a busy machine or a far server
 * may take) but within the driver's connect and login timeouts (5 s) migrates and starts: the migration does not
 * give up after the pool's 2 s wait, which is meant for requests.
 */
@Timeout(60)
class SlowFirstConnectionTest {
    private static final Duration SLOW = Duration.ofSeconds(3);

    @Test
    void aStartWaitsForASlowButWorkingServerAsLongAsTheDriverDoes() throws Exception {
        Database shared = TestDb.shared();
        URI server = URI.create(shared.jdbcUrl().substring("jdbc:".length()));
        try (SlowProxy proxy = SlowProxy.to(server.getPort());
             Database db = Database.start(new DbSettings("jdbc:postgresql://127.0.0.1:" + proxy.port()
                     + server.getPath(), shared.user(), shared.password(), null, 2, "slow-start"))) {
            assertEquals(1, db.dsl().fetchOne("select 1").get(0, Integer.class));
        }
    }

    /** Forwards each connection to the server after holding it {@link #SLOW}: every new connection is slow. */
    private record SlowProxy(ServerSocket listener, List<Socket> sockets) implements AutoCloseable {
        static SlowProxy to(int serverPort) throws IOException {
            SlowProxy proxy = new SlowProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                    new CopyOnWriteArrayList<>());
            Thread.ofVirtual().start(() -> {
                while (!proxy.listener.isClosed()) {
                    try {
                        Socket client = proxy.listener.accept();
                        proxy.sockets.add(client);
                        Thread.ofVirtual().start(() -> proxy.forward(client, serverPort));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return proxy;
        }

        int port() {
            return listener.getLocalPort();
        }

        private void forward(Socket client, int serverPort) {
            try {
                Thread.sleep(SLOW);
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                sockets.add(upstream);
                Thread.ofVirtual().start(() -> pipe(upstream, client));
                pipe(client, upstream);
            } catch (IOException | InterruptedException e) {
                closeQuietly(client);
            }
        }

        private static void pipe(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException closed) {
                // either side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            sockets.forEach(SlowProxy::closeQuietly);
        }
    }
}
