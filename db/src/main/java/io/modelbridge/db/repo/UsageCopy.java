package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Usage rows sent with PostgreSQL's COPY in its text format: one message for the whole batch, and per row no
 * statement execution, no bind and no conflict check beyond the unique index itself (issue 16: the batched
 * {@code insert ... on conflict do nothing} cost PostgreSQL ~36 µs of CPU per row). A request id already stored
 * makes the COPY fail with a unique violation; {@link UsageRepository} then writes that batch idempotently.
 */
final class UsageCopy {
    static final String COPY = "copy \"usage_log\" (request_id, created_at, user_id, key_id, alias, channel, provider, "
            + "upstream_model, stream, prompt_tokens, completion_tokens, total_tokens, estimated, cost, latency_ms, "
            + "ttft_ms, status, error_code, client_request_id, lease_id, cached_prompt_tokens, reasoning_tokens, "
            + "dialect) from stdin";

    private UsageCopy() {}

    /** Sends the rows on the connection, in its current transaction. */
    static void write(Connection c, List<UsageRow> rows) throws SQLException {
        byte[] text = text(rows).getBytes(StandardCharsets.UTF_8);
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            in.writeToCopy(text, 0, text.length);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /** The rows in COPY's text format: tab-separated columns, {@code \N} for null, one line per row. */
    static String text(List<UsageRow> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 200);
        for (UsageRow u : rows) {
            text(b, u.requestId()).append('\t');
            b.append(u.at()).append('\t'); // Instant: ISO 8601 in UTC, which timestamptz reads
            number(b, u.userId()).append('\t');
            number(b, u.keyId()).append('\t');
            text(b, u.alias()).append('\t');
            text(b, u.channel()).append('\t');
            text(b, u.provider()).append('\t');
            text(b, u.upstreamModel()).append('\t');
            b.append(u.stream() ? 't' : 'f').append('\t');
            b.append(u.promptTokens()).append('\t');
            b.append(u.completionTokens()).append('\t');
            b.append(u.promptTokens() + u.completionTokens()).append('\t');
            b.append(u.estimated() ? 't' : 'f').append('\t');
            cost(b, u.cost()).append('\t');
            b.append(u.latencyMs()).append('\t');
            number(b, u.ttftMs()).append('\t');
            b.append(u.status()).append('\t');
            text(b, u.errorCode()).append('\t');
            text(b, u.clientRequestId()).append('\t');
            number(b, u.leaseId()).append('\t');
            number(b, u.cachedPromptTokens()).append('\t');
            number(b, u.reasoningTokens()).append('\t');
            text(b, u.dialect()).append('\n');
        }
        return b.toString();
    }

    private static StringBuilder number(StringBuilder b, Number n) {
        return n == null ? b.append("\\N") : b.append(n.longValue());
    }

    private static StringBuilder cost(StringBuilder b, BigDecimal cost) {
        return cost == null ? b.append("\\N") : b.append(cost.toPlainString());
    }

    /** A value with COPY's special characters escaped: backslash, and the tab, newline and return that delimit. */
    private static StringBuilder text(StringBuilder b, String s) {
        if (s == null) {
            return b.append("\\N");
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b;
    }
}
