package io.modelbridge.admin.repl;

import java.time.Instant;
import java.util.regex.Pattern;
import org.jline.reader.impl.history.DefaultHistory;

/**
 * The console history, kept in a file across sessions, with secrets typed on a line replaced by {@code ***}
 * before the line is remembered: a vendor credential must not sit in a dotfile.
 */
final class RedactingHistory extends DefaultHistory {
    private static final Pattern SECRET = Pattern.compile(
            "(--(?:credential|token)(?:=|\\s+))(\"[^\"]*\"|'[^']*'|\\S+)");

    @Override
    public void add(Instant time, String line) {
        super.add(time, redact(line));
    }

    static String redact(String line) {
        return SECRET.matcher(line).replaceAll("$1***");
    }
}
