package io.modelbridge.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy between a client and PostgreSQL (127.0.0.1, ephemeral port) that makes the network faults a client
 * cannot tell apart from a dead server: a COMMIT whose acknowledgement is lost, and connections that go silent
 * (no bytes either way, no RST, no FIN). It reads the wire protocol only as bytes: a transaction that sent an
 * {@code insert into ... "quota_ledger"} is a ledger transaction, its {@code COMMIT} is the message to intercept;
 * an {@code insert into ... "usage_log"} or a {@code copy "usage_log"} is a usage batch, whose whole answer can be
 * dropped (a COPY's from its CopyDone on: the server has all the rows). It can also cut a connection, or silence it,
 * the moment it sends a given statement.
 */
public final class PgProxy implements AutoCloseable {
    private static final byte[] COMMIT_QUERY = "COMMIT".getBytes(StandardCharsets.ISO_8859_1);
    /** The server's ReadyForQuery message: the end of its answer, sent once a transaction is committed. */
    private static final byte[] READY_FOR_QUERY = {'Z', 0, 0, 0, 5};
    /**
     * The client's CopyDone message. Binary COPY data may hold these bytes too: matched there, the answer is dropped
     * early, which changes nothing, since the server sends nothing during a COPY until its CopyDone.
     */
    private static final byte[] COPY_DONE = {'c', 0, 0, 0, 4};
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final AtomicInteger usageCutsLeft = new AtomicInteger();
    private final AtomicInteger leaseGrantCutsLeft = new AtomicInteger();
    private final StatementTrap cutOn = new StatementTrap();
    private final StatementTrap silenceOn = new StatementTrap();
    private volatile Duration commitDelay = Duration.ZERO;
    private volatile boolean closed;

    private PgProxy(ServerSocket listener, int targetPort) {
        this.listener = listener;
        this.targetPort = targetPort;
        Thread.ofPlatform().daemon().name("pg-proxy-accept").start(this::accept);
    }

    public static PgProxy to(int postgresPort) {
        try {
            return new PgProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), postgresPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A proxy to the server of {@code jdbcUrl} ({@code jdbc:postgresql://host:port/...}). */
    public static PgProxy toServerOf(String jdbcUrl) {
        Matcher port = Pattern.compile(":(\\d+)/").matcher(jdbcUrl);
        if (!port.find()) {
            throw new IllegalArgumentException("no port in " + jdbcUrl);
        }
        return to(Integer.parseInt(port.group(1)));
    }

    public int port() {
        return listener.getLocalPort();
    }

    /**
     * The JDBC URL {@code url} (to the proxied server) with this proxy's port instead, and no server-side prepared
     * statements, so every statement (COMMIT too) carries its text and the proxy can recognise it.
     */
    public String jdbcUrl(String url) {
        return url.replaceFirst(":" + targetPort + "/", ":" + port() + "/") + (url.contains("?") ? "&" : "?")
                + "prepareThreshold=0";
    }

    /**
     * The next {@code count} ledger transactions lose the acknowledgement of their COMMIT: the client's connection
     * is cut before any answer reaches it, while the COMMIT itself reaches the server, at once ({@code delay} zero:
     * the server's answer is dropped) or {@code delay} after the cut (it was stuck in the network, so a retry may
     * already be running when it lands). Either way the transaction is committed and the client saw an error.
     */
    public void loseCommitAcks(int count, Duration delay) {
        commitDelay = delay;
        cutsLeft.set(count);
    }

    /**
     * The next {@code count} usage batches (an autocommitted {@code insert into "usage_log"} or COPY) lose their answer: the
     * server runs and commits the batch, the client's connection is cut before the answer reaches it.
     */
    public void loseUsageAnswers(int count) {
        usageCutsLeft.set(count);
    }

    /**
     * The next {@code count} lease grants (a transaction that inserts into {@code "quota_leases"}, an open, or sets its
     * {@code "granted"}, an extension) lose the answer to their COMMIT, as {@link #loseCommitAcks} with no delay: the
     * grant is in the database, and the client saw an error.
     */
    public void loseLeaseGrantAcks(int count) {
        leaseGrantCutsLeft.set(count);
    }

    /** How many COMMIT acknowledgements (and usage batch answers) were lost so far. */
    public int lostAcks() {
        return cuts.get();
    }

    /**
     * The next connection that sends a statement whose text holds every one of {@code fragments} (lower case) is cut
     * there, in both directions, before the server sees it: the client reads the end of the stream mid-statement.
     */
    public void cutOn(String... fragments) {
        cutOn.arm(fragments);
    }

    /** How many connections {@link #cutOn} cut so far. */
    public int statementCuts() {
        return cutOn.fired.get();
    }

    /**
     * The next connection that sends a statement whose text holds every one of {@code fragments} (lower case) goes
     * silent there for good, as {@link #silenceOpenConnections} does: the server never sees the statement.
     */
    public void silenceOn(String... fragments) {
        silenceOn.arm(fragments);
    }

    /** How many connections {@link #silenceOn} silenced so far. */
    public int statementSilences() {
        return silenceOn.fired.get();
    }

    /** Every connection open now goes silent for good (nothing is forwarded, nothing closed); new ones work. */
    public void silenceOpenConnections() {
        links.forEach(l -> l.silent = true);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                Link link = new Link(client, server);
                links.add(link);
                Thread.ofPlatform().daemon().name("pg-proxy-up").start(link::up);
                Thread.ofPlatform().daemon().name("pg-proxy-down").start(link::down);
            } catch (IOException e) {
                if (!closed) {
                    sleep(Duration.ofMillis(50));
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        links.forEach(Link::close);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean contains(byte[] buf, int len, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= len; i++) {
            for (int j = 0; j < what.length; j++) {
                if (buf[i + j] != what[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Fires once, on the first statement text holding every fragment it was armed with; counts its firings. */
    private static final class StatementTrap {
        final AtomicInteger fired = new AtomicInteger();
        private volatile List<String> fragments = List.of();

        void arm(String... what) {
            fragments = List.of(what);
        }

        boolean springs(String text) {
            List<String> armed = fragments;
            if (armed.isEmpty() || !armed.stream().allMatch(text::contains)) {
                return false;
            }
            fragments = List.of();
            fired.incrementAndGet();
            return true;
        }
    }

    /** One client connection and its server connection. */
    private final class Link {
        final Socket client;
        final Socket server;
        volatile boolean silent;
        volatile boolean ledgerTransaction;
        volatile boolean leaseGrant;
        volatile boolean dropAnswer;
        boolean usageCopy; // a usage COPY whose answer is to be dropped was started; the up pump's only
        volatile boolean commitInFlight; // the client is cut, its COMMIT not yet handed to the server

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        /** Client to server. */
        void up() {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = client.getInputStream(); OutputStream out = server.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (silent) {
                        continue;
                    }
                    String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1).toLowerCase();
                    if (cutOn.springs(text)) {
                        return; // the finally closes both sides
                    }
                    if (silenceOn.springs(text)) {
                        silent = true;
                        continue;
                    }
                    if (text.contains("insert into") && text.contains("\"quota_ledger\"")) {
                        ledgerTransaction = true;
                    }
                    if (text.contains("insert into") && text.contains("\"quota_leases\"")
                            || text.contains("set \"granted\"")) {
                        leaseGrant = true;
                    }
                    if (text.contains("insert into") && text.contains("\"usage_log\"")
                            && usageCutsLeft.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                        cuts.incrementAndGet();
                        dropAnswer = true;
                    }
                    if (text.contains("copy \"usage_log\"") && usageCutsLeft.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                        cuts.incrementAndGet();
                        usageCopy = true;
                    }
                    if (usageCopy && contains(buf, n, COPY_DONE)) {
                        usageCopy = false;
                        dropAnswer = true;
                    }
                    if (leaseGrant && contains(buf, n, COMMIT_QUERY)) {
                        leaseGrant = false;
                        if (leaseGrantCutsLeft.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                            cuts.incrementAndGet();
                            dropAnswer = true;
                        }
                    }
                    if (ledgerTransaction && contains(buf, n, COMMIT_QUERY)) {
                        ledgerTransaction = false;
                        if (cutsLeft.getAndUpdate(c -> Math.max(0, c - 1)) > 0) {
                            cuts.incrementAndGet();
                            loseAck(out, java.util.Arrays.copyOf(buf, n));
                            return;
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                if (!silent) {
                    close();
                }
            }
        }

        private void loseAck(OutputStream out, byte[] commit) throws IOException {
            Duration delay = commitDelay;
            if (delay.isZero()) {
                dropAnswer = true;
                out.write(commit);
                out.flush();
                return; // the down pump cuts both sides when the answer comes
            }
            commitInFlight = true;
            closeQuietly(client); // the client learns nothing; its COMMIT is still on the way
            sleep(delay);
            out.write(commit);
            out.flush();
            sleep(Duration.ofMillis(500)); // let the server read it before it sees the end of the stream
        }

        /** Server to client. */
        void down() {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = server.getInputStream(); OutputStream out = client.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (silent) {
                        continue;
                    }
                    if (dropAnswer) { // the server has done the work; the client hears nothing of it
                        if (contains(buf, n, READY_FOR_QUERY)) {
                            close();
                            return;
                        }
                        continue;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // either side went away
            } finally {
                if (!silent && !commitInFlight) {
                    close();
                }
            }
        }

        void close() {
            closeQuietly(client);
            closeQuietly(server);
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
