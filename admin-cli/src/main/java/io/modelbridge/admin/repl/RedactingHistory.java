package io.modelbridge.admin.repl;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jline.reader.impl.history.DefaultHistory;

/**
 * The console history, kept in a file across sessions, with secrets typed on a line replaced by {@code ***}
 * before the line is remembered: a vendor credential must not sit in a dotfile.
 */
public final class RedactingHistory extends DefaultHistory {
    /** What a secret on a remembered line becomes; never a credential itself (ChannelCommand refuses it). */
    public static final String MASK = "***";
    private static final Pattern SECRET = Pattern.compile(
            "(--(?:credential|token)(?:=|\\s+))(\"[^\"]*\"|'[^']*'|\\S+)");

    @Override
    public void add(Instant time, String line) {
        super.add(time, redact(line));
    }

    static String redact(String line) {
        return SECRET.matcher(line).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
}
