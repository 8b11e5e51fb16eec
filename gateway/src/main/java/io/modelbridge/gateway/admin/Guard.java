package io.modelbridge.gateway.admin;

import io.helidon.webserver.http.Handler;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.DatabaseOutage;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.error.GatewayException;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure of an admin handler into an OpenAI-shaped error body; never a stack trace. */
final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);
    /** PostgreSQL's detail for a unique violation: {@code Key (name)=(alice) already exists.} */
    private static final Pattern DUPLICATE_KEY = Pattern.compile("Key \\(([^)]*)\\)=\\((.*)\\) already exists\\.");

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
            Matcher m = DUPLICATE_KEY.matcher(detail(e));
            return m.find()
                    ? ApiError.conflict("An object with " + m.group(1) + " '" + m.group(2) + "' already exists.",
                            m.group(1).contains(",") ? null : m.group(1))
                    : ApiError.conflict("The object already exists.", null);
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

    private static String detail(DataAccessException e) {
        SQLException sql = e.getCause(SQLException.class);
        if (sql instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
            String detail = p.getServerErrorMessage().getDetail();
            return detail == null ? p.getServerErrorMessage().getMessage() : detail;
        }
        return "";
    }

    private static ApiError internal(RuntimeException e) {
        String id = UUID.randomUUID().toString();
        LOG.error("Admin request failed (error id {})", id, e);
        return ApiError.internal(id);
    }
}
