package io.modelbridge.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatterTest {
    private final LogFormatter formatter = new LogFormatter();

    private static LogRecord warning(String logger, String message, Throwable thrown) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setLoggerName(logger);
        record.setSourceClassName(logger);
        record.setThrown(thrown);
        return record;
    }

    @Test
    void aBrokenConnectionOfThePoolIsOneLineWithTheDriversDescription() {
        String message = "modelbridge-db - Connection marked as broken because of SQLSTATE(08006), ErrorCode(0)";
        String line = formatter.format(warning("com.zaxxer.hikari.pool.ProxyConnection", message,
                new SQLException("An I/O error occurred while sending to the backend.", "08006")));
        String withoutThrown = formatter.format(warning("com.zaxxer.hikari.pool.ProxyConnection", message, null));
        assertEquals(withoutThrown.lines().count(), line.lines().count(), "as many lines as with no exception: " + line);
        assertTrue(line.lines().noneMatch(l -> l.startsWith("\tat ")), line);
        assertTrue(line.contains("marked as broken because of SQLSTATE(08006)"), line);
        assertTrue(line.contains("(java.sql.SQLException: An I/O error occurred while sending to the backend.)"), line);
    }

    @Test
    void zonkysFailedStopOfADeadPostgresIsOneLine() {
        String zonky = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
        String line = formatter.format(warning(zonky, "Could not stop postmaster 4b21fed7",
                new IllegalStateException("Process [pg_ctl, stop] failed")));
        String withoutThrown = formatter.format(warning(zonky, "Could not stop postmaster 4b21fed7", null));
        assertEquals(withoutThrown.lines().count(), line.lines().count(), "as many lines as with no exception: " + line);
        assertTrue(line.contains("Could not stop postmaster 4b21fed7 "
                + "(java.lang.IllegalStateException: Process [pg_ctl, stop] failed)"), line);
    }

    @Test
    void otherRecordsKeepTheirStackTrace() {
        String text = formatter.format(warning("io.modelbridge.gateway.Gateway", "something failed",
                new IllegalStateException("why")));
        assertTrue(text.lines().count() > 2, text);
        assertTrue(text.contains("\tat io.modelbridge.gateway.LogFormatterTest"), text);
    }
}
