package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.PORTAL_ACCOUNTS;
import static io.modelbridge.db.jooq.Tables.PORTAL_SESSIONS;

import java.time.Instant;
import java.util.Optional;
import org.jooq.DSLContext;

/** Browser sessions of the portal, by the SHA-256 of the cookie's token. */
public final class PortalSessionRepository {
    private final DSLContext dsl;

    public PortalSessionRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public void create(byte[] tokenHash, long accountId, Instant expiresAt) {
        dsl.insertInto(PORTAL_SESSIONS).set(PORTAL_SESSIONS.TOKEN_HASH, tokenHash)
                .set(PORTAL_SESSIONS.ACCOUNT_ID, accountId).set(PORTAL_SESSIONS.EXPIRES_AT, Sql.at(expiresAt))
                .execute();
    }

    /** The session if it exists and has not expired. */
    public Optional<PortalSession> find(byte[] tokenHash, Instant now) {
        return dsl.select(PORTAL_SESSIONS.ACCOUNT_ID, PORTAL_ACCOUNTS.EMAIL, PORTAL_ACCOUNTS.USER_ID,
                        PORTAL_SESSIONS.EXPIRES_AT)
                .from(PORTAL_SESSIONS).join(PORTAL_ACCOUNTS).on(PORTAL_ACCOUNTS.ID.eq(PORTAL_SESSIONS.ACCOUNT_ID))
                .where(PORTAL_SESSIONS.TOKEN_HASH.eq(tokenHash)).and(PORTAL_SESSIONS.EXPIRES_AT.gt(Sql.at(now)))
                .fetchOptional(r -> new PortalSession(r.value1(), r.value2(), r.value3(), Sql.instant(r.value4())));
    }

    public void delete(byte[] tokenHash) {
        dsl.deleteFrom(PORTAL_SESSIONS).where(PORTAL_SESSIONS.TOKEN_HASH.eq(tokenHash)).execute();
    }

    /** Signs the account out everywhere (after a password reset). */
    public void deleteAll(long accountId) {
        dsl.deleteFrom(PORTAL_SESSIONS).where(PORTAL_SESSIONS.ACCOUNT_ID.eq(accountId)).execute();
    }

    public int removeExpired(Instant now) {
        return dsl.deleteFrom(PORTAL_SESSIONS).where(PORTAL_SESSIONS.EXPIRES_AT.le(Sql.at(now))).execute();
    }
}
