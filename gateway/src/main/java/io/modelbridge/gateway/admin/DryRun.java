package io.modelbridge.gateway.admin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.ErrorWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code ?dry_run=true} on the changes {@code mbctl apply} makes (create and update of users, channels, aliases,
 * limits, prices, keys, portal settings): the call runs as it would, the same validation and the same database
 * checks (unique names, references, constraints) inside its transaction, which is then rolled back ({@link Changes}).
 * The answer is the real call's, status and body; nothing is stored, audited or announced. Other endpoints refuse
 * the flag rather than ignore it: a change the caller believes is a dry run must never be made.
 */
final class DryRun implements Filter {
    static final String PARAM = "dry_run";
    private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();
    private static final List<Route> ROUTES = List.of(new Route("POST", "/users|/channels|/keys"),
            new Route("PATCH", "/users/[^/]+|/channels/[^/]+|/keys/[^/]+|/portal"),
            new Route("PUT", "/aliases/[^/]+|/limits|/prices/[^/]+"));
    private final ErrorWriter errors;

    DryRun(ErrorWriter errors) {
        this.errors = errors;
    }

    /** True while a dry-run call is being served on this thread: its change is rolled back. */
    static boolean active() {
        return Boolean.TRUE.equals(ACTIVE.get());
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> flag = req.query().first(PARAM).asOptional();
        String path = req.path().path();
        if (flag.isEmpty() || !path.startsWith(AdminApi.PREFIX + "/")) {
            chain.proceed();
            return;
        }
        if (!flag.get().equals("true") && !flag.get().equals("false")) {
            refuse(res, "'dry_run' must be true or false.");
            return;
        }
        String method = req.prologue().method().text();
        String endpoint = path.substring(AdminApi.PREFIX.length());
        if (flag.get().equals("true") && ROUTES.stream().noneMatch(r -> r.matches(method, endpoint))) {
            refuse(res, "'dry_run' is supported by the changes apply makes (create and update of users, channels, "
                    + "aliases, limits, prices, keys and portal settings), not by " + method + " " + endpoint + ".");
            return;
        }
        ACTIVE.set(flag.get().equals("true"));
        try {
            chain.proceed();
        } finally {
            ACTIVE.remove();
        }
    }

    private void refuse(RoutingResponse res, String message) {
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        errors.write(res, ApiError.invalidRequest(message, PARAM), Map.of());
    }

    private record Route(String method, Pattern paths) {
        Route(String method, String paths) {
            this(method, Pattern.compile(paths));
        }

        boolean matches(String requestMethod, String endpoint) {
            return method.equals(requestMethod) && paths.matcher(endpoint).matches();
        }
    }
}
