package io.modelbridge.gateway.limits;

import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The request bodies, whole upstream answers and replayed conversations held in memory at once, all requests
 * together, within MB_BODY_MEMORY_BYTES. Each request's {@link Hold} takes room for them as they are read, in pieces of
 * {@value #PIECE} bytes (a slow sender holds only what it has sent), and gives it back when the request ends. A piece
 * that would go past the budget fails the request with 503 {@code server_busy} and Retry-After. Without the bound, 48
 * clients of one key sending 8 MiB bodies at once ran a 1.5 GiB heap out of memory, and so did 48 small requests whose
 * upstream answered 15 MiB each (within its per-answer bound).
 */
public final class BodyMemory {
    /** Bodies up to this size are read at once; larger ones in pieces of it. */
    private static final int PIECE = 64 * 1024;
    static final ApiError BUSY = ApiError.serverError(503, "server_busy",
            "The gateway holds as much request and answer data in memory as it may (MB_BODY_MEMORY_BYTES); "
                    + "retry shortly.");
    private static final Map<String, String> RETRY_AFTER = Map.of("Retry-After", "1");
    private final long budget;
    private final AtomicLong held = new AtomicLong();

    public BodyMemory(long budget) {
        this.budget = budget;
    }

    /** A request's share, empty until a body is read; closed when the request ends. */
    public Hold hold() {
        return new Hold();
    }

    /** The bytes held now, by every request together (modelbridge_body_bytes_held). */
    public long held() {
        return held.get();
    }

    /** One request's room; used by the request's own thread only. */
    public final class Hold implements AutoCloseable {
        private long bytes;

        private Hold() {}

        /**
         * Up to {@code n} bytes of {@code in}, fewer at its end (as {@link InputStream#readNBytes(int)}), the room
         * for each piece taken before it is read.
         */
        public byte[] readNBytes(InputStream in, int n) throws IOException {
            if (n <= PIECE) {
                return piece(in, n);
            }
            List<byte[]> pieces = new ArrayList<>();
            int total = 0;
            while (total < n) {
                int size = Math.min(PIECE, n - total);
                byte[] piece = piece(in, size);
                pieces.add(piece);
                total += piece.length;
                if (piece.length < size) {
                    break; // the stream's end
                }
            }
            byte[] all = new byte[total];
            int at = 0;
            for (byte[] piece : pieces) {
                System.arraycopy(piece, 0, all, at, piece.length);
                at += piece.length;
            }
            return all;
        }

        private byte[] piece(InputStream in, int size) throws IOException {
            take(size);
            byte[] piece = in.readNBytes(size);
            giveBack(size - piece.length);
            return piece;
        }

        /** Takes {@code n} more bytes of the budget, or fails the request when they are not there. */
        public void take(long n) {
            long now;
            do {
                now = held.get();
                if (now + n > budget) {
                    throw new GatewayException(BUSY, RETRY_AFTER);
                }
            } while (!held.compareAndSet(now, now + n));
            bytes += n;
        }

        private void giveBack(long n) {
            held.addAndGet(-n);
            bytes -= n;
        }

        @Override
        public void close() {
            held.addAndGet(-bytes);
            bytes = 0;
        }
    }
}
