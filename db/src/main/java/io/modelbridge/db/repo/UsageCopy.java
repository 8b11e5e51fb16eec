package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.ByteConverter;

/**
 * Usage rows sent with PostgreSQL's COPY in its binary format: one message for the whole batch, and per row no
 * statement execution, no bind and no conflict check beyond the unique index itself (issue 16: the batched
 * {@code insert ... on conflict do nothing} cost PostgreSQL ~36 µs of CPU per row). Binary rather than text: no
 * number or timestamp is formatted here nor parsed by PostgreSQL (UsageCopyTest: a fraction of the text format's
 * allocation per row). A request id already stored makes the COPY fail with a unique violation;
 * {@link UsageRepository} then writes that batch idempotently.
 */
final class UsageCopy {
    static final String COPY = "copy \"usage_log\" (request_id, created_at, user_id, key_id, alias, channel, provider, "
            + "upstream_model, stream, prompt_tokens, completion_tokens, total_tokens, estimated, cost, latency_ms, "
            + "ttft_ms, status, error_code, client_request_id, lease_id, cached_prompt_tokens, reasoning_tokens, "
            + "dialect) from stdin with (format binary)";
    private static final short COLUMNS = 23;
    /** The signature, the flags (no OIDs) and the length of the header extension (none). */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};
    /** PostgreSQL's timestamps count microseconds from 2000-01-01T00:00:00Z. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private UsageCopy() {}

    /** Sends the rows on the connection, in its current transaction. */
    static void write(Connection c, List<UsageRow> rows) throws SQLException {
        Buffer data = binary(rows);
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            in.writeToCopy(data.bytes, 0, data.length);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** The rows in COPY's binary format: per row its column count, then each column's length and bytes. */
    static Buffer binary(List<UsageRow> rows) {
        Buffer b = new Buffer(HEADER.length + rows.size() * 256 + 2);
        b.bytes(HEADER);
        for (UsageRow u : rows) {
            b.int16(COLUMNS);
            b.text(u.requestId());
            b.int32(8).int64(micros(u.at()));
            b.int8(u.userId());
            b.int8(u.keyId());
            b.text(u.alias());
            b.text(u.channel());
            b.text(u.provider());
            b.text(u.upstreamModel());
            b.bool(u.stream());
            b.int4(u.promptTokens());
            b.int4(u.completionTokens());
            b.int4(u.promptTokens() + u.completionTokens());
            b.bool(u.estimated());
            b.numeric(u.cost());
            b.int4(u.latencyMs());
            b.int4(u.ttftMs());
            b.int4(u.status());
            b.text(u.errorCode());
            b.text(u.clientRequestId());
            b.int8(u.leaseId());
            b.int4(u.cachedPromptTokens());
            b.int4(u.reasoningTokens());
            b.text(u.dialect());
        }
        return b.int16((short) -1);
    }

    /**
     * The instant in PostgreSQL's microseconds, its nanoseconds rounded half to even as PostgreSQL rounds the
     * fraction of a timestamp given as text (what the text format wrote).
     */
    static long micros(Instant at) {
        long micros = at.getNano() / 1000;
        int rest = at.getNano() % 1000;
        if (rest > 500 || rest == 500 && (micros & 1) == 1) {
            micros++;
        }
        return (at.getEpochSecond() - POSTGRES_EPOCH_SECONDS) * 1_000_000L + micros;
    }

    /** A growing byte array with the field encoders of COPY's binary format; a null field is length -1. */
    static final class Buffer {
        byte[] bytes;
        int length;

        Buffer(int capacity) {
            bytes = new byte[capacity];
        }

        private void room(int n) {
            if (length + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
            }
        }

        Buffer bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, bytes, length, b.length);
            length += b.length;
            return this;
        }

        Buffer int16(short v) {
            room(2);
            bytes[length++] = (byte) (v >> 8);
            bytes[length++] = (byte) v;
            return this;
        }

        Buffer int32(int v) {
            room(4);
            bytes[length++] = (byte) (v >> 24);
            bytes[length++] = (byte) (v >> 16);
            bytes[length++] = (byte) (v >> 8);
            bytes[length++] = (byte) v;
            return this;
        }

        Buffer int64(long v) {
            return int32((int) (v >> 32)).int32((int) v);
        }

        private Buffer none() {
            return int32(-1);
        }

        /** A bigint column. */
        Buffer int8(Long v) {
            return v == null ? none() : int32(8).int64(v);
        }

        /** An integer column. */
        Buffer int4(Integer v) {
            return v == null ? none() : int32(4).int32(v);
        }

        Buffer bool(boolean v) {
            int32(1);
            room(1);
            bytes[length++] = (byte) (v ? 1 : 0);
            return this;
        }

        /**
         * A numeric column: base-10000 digits, the first of weight {@code weight}; PostgreSQL rounds the value to the
         * column's scale, as it did the text format's digits. A cost has a few digits at a small scale: those are
         * encoded here from the unscaled long, any other value by PgJDBC (which allocates several BigIntegers).
         */
        Buffer numeric(BigDecimal v) {
            if (v == null) {
                return none();
            }
            int scale = v.scale();
            if (scale < 0 || scale > 15 || v.precision() > 15) {
                byte[] digits = ByteConverter.numeric(v);
                return int32(digits.length).bytes(digits);
            }
            long unscaled = v.unscaledValue().longValue();
            int pad = (4 - scale % 4) % 4; // the fraction in whole groups of four digits
            long aligned = Math.abs(unscaled) * POWERS_OF_TEN[pad];
            int groups = 0;
            for (long rest = aligned; rest != 0; rest /= 10_000) {
                groups++;
            }
            int trailingZeros = 0;
            for (long rest = aligned; rest != 0 && rest % 10_000 == 0; rest /= 10_000) {
                trailingZeros++;
            }
            int digits = groups - trailingZeros;
            int32(8 + 2 * digits);
            int16((short) digits);
            int16((short) (groups == 0 ? 0 : groups - (scale + pad) / 4 - 1)); // weight
            int16((short) (unscaled < 0 ? 0x4000 : 0));
            int16((short) scale);
            for (int i = groups - 1; i >= trailingZeros; i--) {
                int16((short) (aligned / POWERS_OF_TEN[4 * i] % 10_000));
            }
            return this;
        }

        /** A text column in UTF-8; ASCII, the usual text here, without an intermediate array. */
        Buffer text(String s) {
            if (s == null) {
                return none();
            }
            int n = s.length();
            room(4 + n);
            int start = length + 4;
            for (int i = 0; i < n; i++) {
                char ch = s.charAt(i);
                if (ch >= 0x80) {
                    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                    return int32(utf8.length).bytes(utf8);
                }
                bytes[start + i] = (byte) ch;
            }
            int32(n);
            length += n;
            return this;
        }
    }
}
