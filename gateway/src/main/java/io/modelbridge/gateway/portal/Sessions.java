package io.modelbridge.gateway.portal;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.Database;
import io.modelbridge.db.repo.PortalSession;
import io.modelbridge.db.repo.PortalSessionRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Sign-ins: a random token in an HttpOnly cookie, its SHA-256 in the database. */
final class Sessions {
    private final Database db;
    private final Cookies cookies;
    private final Duration ttl;
    private final Clock clock;

    Sessions(Database db, Cookies cookies, Duration ttl, Clock clock) {
        this.db = db;
        this.cookies = cookies;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** A new session for the account (never a reused token: no session fixation). */
    void start(ServerResponse res, long accountId) {
        String token = Tokens.token();
        new PortalSessionRepository(db.dsl()).create(Tokens.sha256(token), accountId, clock.instant().plus(ttl));
        cookies.setSession(res, token, ttl);
    }

    Optional<PortalSession> current(ServerRequest req) {
        return Cookies.read(req, Cookies.SESSION)
                .flatMap(token -> new PortalSessionRepository(db.dsl()).find(Tokens.sha256(token), clock.instant()));
    }

    void end(ServerRequest req, ServerResponse res) {
        Cookies.read(req, Cookies.SESSION)
                .ifPresent(token -> new PortalSessionRepository(db.dsl()).delete(Tokens.sha256(token)));
        cookies.clearSession(res);
    }

    int removeExpired() {
        return new PortalSessionRepository(db.dsl()).removeExpired(clock.instant());
    }
}
