package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * The usage writer's COPY in text format, as it was before the binary format (issue 16): the reference
 * {@link UsageCopyTest} compares {@link UsageCopy} against, for the rows stored and the allocation per row.
 */
final class TextUsageCopy {
    private static final String COPY = UsageCopy.COPY.replace(" with (format binary)", "");

    private TextUsageCopy() {}

    static void write(Connection c, List<UsageRow> rows) throws SQLException {
        byte[] text = text(rows).getBytes(StandardCharsets.UTF_8);
        var in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        in.writeToCopy(text, 0, text.length);
        in.endCopy();
    }

    static String text(List<UsageRow> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 200);
        for (UsageRow u : rows) {
            text(b, u.requestId()).append('\t');
            b.append(u.at()).append('\t');
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
