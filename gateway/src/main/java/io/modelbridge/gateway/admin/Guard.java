package io.modelbridge.gateway.admin;

import io.helidon.webserver.http.Handler;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.DatabaseOutage;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.error.GatewayException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.exception.DataAccessException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure of an admin handler into an OpenAI-shaped error body; never a stack trace. */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    private final ErrorWriter errors;

    Guard(ErrorWriter errors) {
        this.errors = errors;
    }

    Handler wrap(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (GatewayException e) {
                errors.write(res, e);
            } catch (DataAccessException e) {
                if (DatabaseOutage.is(e)) {
                    errors.write(res, DatabaseOutage.exception());
                } else {
                    errors.write(res, fromDatabase(e), Map.of());
                }
            } catch (RuntimeException e) {
                errors.write(res, internal(e), Map.of());
            }
        };
    }

    private ApiError fromDatabase(DataAccessException e) {
        String state = e.sqlState();
        if ("23505".equals(state)) {
            return serverMessage(e).map(UniqueConstraints::of).map(Guard::conflict)
                    .orElseGet(() -> ApiError.conflict("The object already exists.", null));
        }
        if (state != null && state.startsWith("23")) {
            return ApiError.invalidValue("The change violates a database constraint: " + detail(e), null);
        }
        if (state != null && state.startsWith("22")) { // a value the checks let through but PostgreSQL cannot store
            LOG.warn("Admin request refused by the database: SQL state {}", state);
            return ApiError.invalidValue("A value in the request is out of range or cannot be stored.", null);
        }
        return internal(e);
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

    private static ApiError internal(RuntimeException e) {
        String id = UUID.randomUUID().toString();
        LOG.error("Admin request failed (error id {})", id, e);
        return ApiError.internal(id);
    }
}
