package io.modelbridge.gateway;

import java.util.List;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * The line format of logging.properties, except for records of two libraries that log an expected failure with its
 * whole stack trace, where the exception's own description says all an operator can act on: Hikari, for each
 * database connection it finds broken (sixty lines for one lost connection, a screenful per outage), and zonky, whose
 * "pg_ctl stop" fails when the embedded PostgreSQL it is asked to release has died (the gateway then restarts it).
 * Those records end with that description on their one line instead, as the gateway's own warnings do.
 */
public final class LogFormatter extends SimpleFormatter {
    private static final List<String> ONE_LINE = List.of("com.zaxxer.hikari", "io.zonky.test.db.postgres");

    @Override
    public String format(LogRecord record) {
        Throwable thrown = record.getThrown();
        String logger = record.getLoggerName();
        if (thrown == null || logger == null || ONE_LINE.stream().noneMatch(logger::startsWith)) {
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
