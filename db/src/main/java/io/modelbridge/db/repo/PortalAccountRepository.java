package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.PORTAL_ACCOUNTS;

import io.modelbridge.db.jooq.tables.records.PortalAccountsRecord;
import java.time.Instant;
import java.util.Optional;
import org.jooq.DSLContext;

/** Portal logins, by lower-case email. */
public final class PortalAccountRepository {
    private final DSLContext dsl;

    public PortalAccountRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public Optional<PortalAccount> findByEmail(String email) {
        return dsl.selectFrom(PORTAL_ACCOUNTS).where(PORTAL_ACCOUNTS.EMAIL.eq(email))
                .fetchOptional(PortalAccountRepository::map);
    }

    public Optional<PortalAccount> find(long id) {
        return dsl.selectFrom(PORTAL_ACCOUNTS).where(PORTAL_ACCOUNTS.ID.eq(id))
                .fetchOptional(PortalAccountRepository::map);
    }

    /** A new unconfirmed account, or the unconfirmed one of that email with its password replaced. */
    public PortalAccount createPending(String email, String passwordHash) {
        return map(dsl.insertInto(PORTAL_ACCOUNTS)
                .set(PORTAL_ACCOUNTS.EMAIL, email).set(PORTAL_ACCOUNTS.PASSWORD_HASH, passwordHash)
                .onConflict(PORTAL_ACCOUNTS.EMAIL).doUpdate()
                .set(PORTAL_ACCOUNTS.PASSWORD_HASH, passwordHash)
                .where(PORTAL_ACCOUNTS.CONFIRMED_AT.isNull())
                .returning().fetchOptional().orElseThrow(() -> new IllegalStateException(
                        "the account of that email is already confirmed")));
    }

    /** Marks the address confirmed and links the user made for it; false when already confirmed. */
    public boolean confirm(long id, long userId, Instant at) {
        return dsl.update(PORTAL_ACCOUNTS).set(PORTAL_ACCOUNTS.USER_ID, userId)
                .set(PORTAL_ACCOUNTS.CONFIRMED_AT, Sql.at(at))
                .where(PORTAL_ACCOUNTS.ID.eq(id)).and(PORTAL_ACCOUNTS.CONFIRMED_AT.isNull()).execute() == 1;
    }

    public void setPassword(long id, String passwordHash) {
        dsl.update(PORTAL_ACCOUNTS).set(PORTAL_ACCOUNTS.PASSWORD_HASH, passwordHash)
                .where(PORTAL_ACCOUNTS.ID.eq(id)).execute();
    }

    private static PortalAccount map(PortalAccountsRecord r) {
        return new PortalAccount(r.getId(), r.getEmail(), r.getPasswordHash(), r.getUserId(),
                Sql.instant(r.getConfirmedAt()), Sql.instant(r.getCreatedAt()));
    }
}
