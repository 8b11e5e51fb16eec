package io.modelbridge.gateway.error;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.Optional;

/**
 * Tells a database outage (no connection, the server shutting down or starting) from other database errors, and
 * turns it into the 503 a client can retry, instead of a 500 that blames the request.
 */
public final class DatabaseOutage {
    public static final String CODE = "database_unavailable";

    private DatabaseOutage() {}

    public static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            // SQLSTATE class 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    /** The client-facing error when {@code error} is an outage. */
    public static Optional<GatewayException> of(Throwable error) {
        return is(error) ? Optional.of(exception()) : Optional.empty();
    }

    public static GatewayException exception() {
        return new GatewayException(ApiError.serverError(503, CODE, "The gateway's database is unavailable, and this "
                + "request needs it; retry shortly."), Map.of("Retry-After", "2"));
    }
}
