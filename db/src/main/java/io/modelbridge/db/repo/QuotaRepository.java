package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.QUOTA_LEDGER;
import static io.modelbridge.db.jooq.Tables.USERS;

import io.modelbridge.db.jooq.tables.records.QuotaLedgerRecord;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** Quota balances and their append-only ledger: every balance change is one ledger row, in one transaction. */
public final class QuotaRepository {
    private final DSLContext dsl;

    public QuotaRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Adds {@code amount} (signed) to the user's balance and appends the ledger row with the balance after it.
     * Runs in its own transaction, or in the caller's (as a savepoint). Empty when no such user.
     *
     * @param requestId the request the change belongs to, or null
     * @param note      free text, or null
     */
    public Optional<LedgerEntry> post(long userId, String kind, BigDecimal amount, String requestId, String note) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            Optional<BigDecimal> balance = t.update(USERS)
                    .set(USERS.QUOTA_BALANCE, USERS.QUOTA_BALANCE.plus(amount))
                    .where(USERS.ID.eq(userId))
                    .returning(USERS.QUOTA_BALANCE).fetchOptional(USERS.QUOTA_BALANCE);
            return balance.map(after -> map(t.insertInto(QUOTA_LEDGER)
                    .set(QUOTA_LEDGER.USER_ID, userId).set(QUOTA_LEDGER.KIND, kind)
                    .set(QUOTA_LEDGER.AMOUNT, amount).set(QUOTA_LEDGER.BALANCE_AFTER, after)
                    .set(QUOTA_LEDGER.REQUEST_ID, requestId).set(QUOTA_LEDGER.NOTE, note)
                    .returning().fetchOne()));
        });
    }

    /** The user's latest ledger rows, newest first. */
    public List<LedgerEntry> recent(long userId, int limit) {
        return dsl.selectFrom(QUOTA_LEDGER).where(QUOTA_LEDGER.USER_ID.eq(userId))
                .orderBy(QUOTA_LEDGER.ID.desc()).limit(limit).fetch(QuotaRepository::map);
    }

    private static LedgerEntry map(QuotaLedgerRecord r) {
        return new LedgerEntry(r.getId(), r.getUserId(), r.getKind(), r.getAmount(), r.getBalanceAfter(),
                r.getRequestId(), r.getNote(), Sql.instant(r.getCreatedAt()));
    }
}
