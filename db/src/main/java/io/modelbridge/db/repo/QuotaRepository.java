package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.QUOTA_LEASES;
import static io.modelbridge.db.jooq.Tables.QUOTA_LEDGER;
import static io.modelbridge.db.jooq.Tables.USERS;

import io.modelbridge.db.jooq.tables.records.QuotaLedgerRecord;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep7;

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

    /**
     * The grant or adjustment recorded under an idempotency key (its {@code request_id}), for any user; read in the
     * caller's transaction after locking user {@code userId}'s row, so that a grant of that user under the same key
     * running meanwhile has committed first.
     */
    public Optional<LedgerEntry> lockUserAndFindGrant(long userId, String key) {
        dsl.select(USERS.ID).from(USERS).where(USERS.ID.eq(userId)).forUpdate().execute();
        return dsl.selectFrom(QUOTA_LEDGER).where(QUOTA_LEDGER.REQUEST_ID.eq(key))
                .and(QUOTA_LEDGER.KIND.in("grant", "adjust")).fetchOptional().map(QuotaRepository::map);
    }

    /**
     * Appends per-request rows of the versions before one row per request (their ledger spill file, replayed once at
     * start), in their order, in one transaction: each moves its user's balance and records the
     * balance after it, and rows under a lease add to the lease's {@code posted}. Idempotent: a row whose request
     * and kind are already in the ledger (a retried batch whose commit went through but whose answer was lost) is
     * skipped, so a retry never charges twice; the unique index on (request_id, kind) backs this up. Rows of users
     * that no longer exist are dropped. Returns the rows written.
     */
    public List<LedgerEntry> postAll(List<LedgerPosting> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return dsl.transactionResult(tx -> new QuotaRepository(tx.dsl()).postInTransaction(rows));
    }

    /** {@link #postAll} inside the caller's transaction. */
    List<LedgerEntry> postInTransaction(List<LedgerPosting> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Set<Long> userIds = new TreeSet<>();
        rows.forEach(r -> userIds.add(r.userId()));
        // Lock first: a transaction still writing the same rows (its connection went silent) commits or aborts
        // before the check below reads what is in.
        Map<Long, BigDecimal> balances = new HashMap<>(dsl.select(USERS.ID, USERS.QUOTA_BALANCE).from(USERS)
                .where(USERS.ID.in(userIds)).orderBy(USERS.ID).forUpdate().fetchMap(USERS.ID, USERS.QUOTA_BALANCE));
        List<LedgerPosting> due = new LateRows(dsl).rewrite(notYetPosted(rows));
        InsertValuesStep7<QuotaLedgerRecord, Long, String, BigDecimal, BigDecimal, String, String, Long> insert =
                dsl.insertInto(QUOTA_LEDGER, QUOTA_LEDGER.USER_ID, QUOTA_LEDGER.KIND, QUOTA_LEDGER.AMOUNT,
                        QUOTA_LEDGER.BALANCE_AFTER, QUOTA_LEDGER.REQUEST_ID, QUOTA_LEDGER.NOTE, QUOTA_LEDGER.LEASE_ID);
        Map<Long, BigDecimal> leaseDeltas = new HashMap<>();
        int count = 0;
        for (LedgerPosting r : due) {
            BigDecimal before = balances.get(r.userId());
            if (before == null) {
                continue;
            }
            BigDecimal after = before.add(r.amount());
            balances.put(r.userId(), after);
            insert = insert.values(r.userId(), r.kind(), r.amount(), after, r.requestId(), r.note(), r.leaseId());
            if (r.leaseId() != null) {
                leaseDeltas.merge(r.leaseId(), r.amount(), BigDecimal::add);
            }
            count++;
        }
        if (count == 0) {
            return List.of();
        }
        List<LedgerEntry> written = new ArrayList<>(insert.onConflict(QUOTA_LEDGER.REQUEST_ID, QUOTA_LEDGER.KIND)
                .doNothing().returning().fetch().map(QuotaRepository::map));
        if (written.size() != count) { // cannot happen under the lock above; never let balances drift from rows
            throw new IllegalStateException("ledger rows appeared while posting: wrote " + written.size() + " of "
                    + count + "; the batch is rolled back and retried");
        }
        balances.forEach((user, balance) -> dsl.update(USERS).set(USERS.QUOTA_BALANCE, balance)
                .where(USERS.ID.eq(user)).execute());
        leaseDeltas.forEach((lease, delta) -> dsl.update(QUOTA_LEASES)
                .set(QUOTA_LEASES.POSTED, QUOTA_LEASES.POSTED.plus(delta)).where(QUOTA_LEASES.ID.eq(lease)).execute());
        return written;
    }

    /** The rows whose request and kind are not in the ledger yet (nor earlier in {@code rows}), in order. */
    private List<LedgerPosting> notYetPosted(List<LedgerPosting> rows) {
        Set<String> requestIds = new TreeSet<>();
        rows.stream().map(LedgerPosting::requestId).filter(Objects::nonNull).forEach(requestIds::add);
        Set<List<String>> seen = new HashSet<>();
        if (!requestIds.isEmpty()) {
            dsl.select(QUOTA_LEDGER.REQUEST_ID, QUOTA_LEDGER.KIND).from(QUOTA_LEDGER)
                    .where(QUOTA_LEDGER.REQUEST_ID.in(requestIds))
                    .forEach(r -> seen.add(List.of(r.value1(), r.value2())));
        }
        return rows.stream().filter(r -> r.requestId() == null || seen.add(List.of(r.requestId(), r.kind())))
                .toList();
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
