package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.PORTAL_CODES;

import io.modelbridge.db.jooq.tables.records.PortalCodesRecord;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;
import org.jooq.DSLContext;

/** One-time codes mailed to an account; a new code of a purpose replaces the unused earlier ones. */
public final class PortalCodeRepository {
    /** What checking a code found. */
    public enum Outcome { ACCEPTED, WRONG, EXPIRED, USED, NONE, TOO_MANY_ATTEMPTS }

    private final DSLContext dsl;

    public PortalCodeRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public void issue(long accountId, String purpose, byte[] codeHash, Instant expiresAt) {
        dsl.deleteFrom(PORTAL_CODES).where(PORTAL_CODES.ACCOUNT_ID.eq(accountId))
                .and(PORTAL_CODES.PURPOSE.eq(purpose)).and(PORTAL_CODES.USED_AT.isNull()).execute();
        dsl.insertInto(PORTAL_CODES).set(PORTAL_CODES.ACCOUNT_ID, accountId).set(PORTAL_CODES.PURPOSE, purpose)
                .set(PORTAL_CODES.CODE_HASH, codeHash).set(PORTAL_CODES.EXPIRES_AT, Sql.at(expiresAt)).execute();
    }

    /**
     * Checks a code against the account's latest code of that purpose, counting the attempt; an accepted code is
     * used up. Run it in a transaction: the row is locked while it is checked.
     */
    public Outcome check(long accountId, String purpose, byte[] codeHash, Instant now, int maxAttempts) {
        Optional<PortalCodesRecord> latest = dsl.selectFrom(PORTAL_CODES)
                .where(PORTAL_CODES.ACCOUNT_ID.eq(accountId)).and(PORTAL_CODES.PURPOSE.eq(purpose))
                .orderBy(PORTAL_CODES.ID.desc()).limit(1).forUpdate().fetchOptional();
        if (latest.isEmpty()) {
            return Outcome.NONE;
        }
        PortalCodesRecord code = latest.get();
        if (code.getUsedAt() != null) {
            return MessageDigest.isEqual(code.getCodeHash(), codeHash) ? Outcome.USED : Outcome.WRONG;
        }
        if (code.getAttempts() >= maxAttempts) {
            return Outcome.TOO_MANY_ATTEMPTS;
        }
        boolean right = MessageDigest.isEqual(code.getCodeHash(), codeHash);
        if (right && !code.getExpiresAt().toInstant().isAfter(now)) {
            return Outcome.EXPIRED;
        }
        dsl.update(PORTAL_CODES).set(PORTAL_CODES.ATTEMPTS, PORTAL_CODES.ATTEMPTS.plus(1))
                .set(PORTAL_CODES.USED_AT, right ? Sql.at(now) : null)
                .where(PORTAL_CODES.ID.eq(code.getId())).execute();
        return right ? Outcome.ACCEPTED : Outcome.WRONG;
    }
}
