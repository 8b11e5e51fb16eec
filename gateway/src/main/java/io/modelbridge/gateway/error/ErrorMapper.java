package io.modelbridge.gateway.error;

import io.helidon.http.HttpException;
import io.helidon.webserver.http.ServerRequest;
import io.modelbridge.gateway.error.ClientGoneException;
import java.sql.SQLException;
import java.util.Optional;
import org.jooq.exception.DataAccessException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a failure becomes what a client is told: its {@link ApiError} (status, type, code, message) and
 * headers, for every route, the OpenAI API and the admin API alike. A failure the gateway did not foresee is logged
 * here with the request's id and answered 500 with that id, never with its text or a stack trace.
 */
public final class ErrorMapper {
    /** The client left: recorded as nginx's 499, nothing is written. */
    public static final ApiError CLIENT_GONE = new ApiError(499, "invalid_request_error", "client_closed_request",
            null, "The client closed the connection.");
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    /** @param requestId names the request in the log line and in a 500's message */
    public GatewayException map(ServerRequest req, Throwable failure, String requestId) {
        return switch (failure) {
            case GatewayException e -> e;
            case ClientGoneException e -> new GatewayException(CLIENT_GONE);
            case HttpException e -> new GatewayException(e.status().code() == 404 ? unknownUrl(req)
                    : new ApiError(e.status().code(), "invalid_request_error", null, null,
                            "The request was refused: " + e.status().reasonPhrase() + "."));
            case Throwable e when DatabaseOutage.is(e) -> {
                LOG.warn("Request {} refused: the database is unavailable ({})", requestId, e.getMessage());
                yield DatabaseOutage.exception();
            }
            case DataAccessException e -> refusedValue(e).map(GatewayException::new)
                    .orElseGet(() -> unforeseen(req, e, requestId));
            default -> unforeseen(req, failure, requestId);
        };
    }

    /** Logged with the request's id; the client gets that id, never the failure's text. */
    private static GatewayException unforeseen(ServerRequest req, Throwable failure, String requestId) {
        LOG.error("Request {} ({} {}) failed unexpectedly", requestId, req.prologue().method().text(),
                req.path().path(), failure);
        return new GatewayException(ApiError.internal(requestId));
    }

    /** A 404 for a path no route serves. */
    public static ApiError unknownUrl(ServerRequest req) {
        return ApiError.notFound("unknown_url", "Unknown request URL: " + req.prologue().method().text() + " "
                + req.path().path() + ".");
    }

    /** A change the database refused for its values (a duplicate, a constraint, a value out of range). */
    private static Optional<ApiError> refusedValue(DataAccessException e) {
        String state = e.sqlState();
        if ("23505".equals(state)) {
            return Optional.of(serverMessage(e).map(UniqueConstraints::of).map(ErrorMapper::conflict)
                    .orElseGet(() -> ApiError.conflict("The object already exists.", null)));
        }
        if (state != null && state.startsWith("23")) {
            return Optional.of(ApiError.invalidValue("The change violates a database constraint: " + detail(e), null));
        }
        if (state != null && state.startsWith("22")) { // a value the checks let through but PostgreSQL cannot store
            LOG.warn("Request refused by the database: SQL state {}", state);
            return Optional.of(ApiError.invalidValue("A value in the request is out of range or cannot be stored.", null));
        }
        return Optional.empty();
    }

    /** A unique violation's 409: it names the column (as {@code param}) when the key has one column. */
    private static ApiError conflict(UniqueConstraints.Duplicate duplicate) {
        if (duplicate.columns().isEmpty()) {
            return ApiError.conflict("The object already exists.", null);
        }
        String columns = String.join(", ", duplicate.columns());
        String param = duplicate.columns().size() == 1 ? columns : null;
        return ApiError.conflict(duplicate.value()
                .map(value -> "An object with " + columns + " '" + value + "' already exists.")
                .orElse("An object with that " + columns + " already exists."), param);
    }

    private static String detail(DataAccessException e) {
        return serverMessage(e).map(m -> m.getDetail() == null ? m.getMessage() : m.getDetail()).orElse("");
    }

    private static Optional<ServerErrorMessage> serverMessage(DataAccessException e) {
        SQLException sql = e.getCause(SQLException.class);
        return sql instanceof PSQLException p ? Optional.ofNullable(p.getServerErrorMessage()) : Optional.empty();
    }
}
