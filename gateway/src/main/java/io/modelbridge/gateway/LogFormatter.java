package io.modelbridge.gateway;

import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * The line format of logging.properties, except for the connection pool's records: Hikari logs each database
 * connection it finds broken with the driver's whole stack trace (sixty lines for one lost connection, a screenful
 * per outage), where the exception's own description says all an operator can act on. Those records end with that
 * description on their one line instead, as the gateway's own warnings do.
 */
public final class LogFormatter extends SimpleFormatter {
    private static final String POOL = "com.zaxxer.hikari";

    @Override
    public String format(LogRecord record) {
        Throwable thrown = record.getThrown();
        String logger = record.getLoggerName();
        if (thrown == null || logger == null || !logger.startsWith(POOL)) {
            return super.format(record);
        }
        LogRecord line = new LogRecord(record.getLevel(), formatMessage(record) + " (" + thrown + ")");
        line.setLoggerName(logger);
        line.setInstant(record.getInstant());
        line.setSourceClassName(record.getSourceClassName());
        line.setSourceMethodName(record.getSourceMethodName());
        return super.format(line);
    }
}
