package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.QUOTA_LEASES;
import static io.modelbridge.db.jooq.Tables.QUOTA_LEDGER;
import static io.modelbridge.db.jooq.Tables.USERS;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Quota leases: the part of a user's balance one gateway instance may commit without asking the database again.
 * Leases never overlap: a grant takes only what the balance has left after every open lease's claim
 * ({@code greatest(granted + posted, 0)}), under a lock on the user's row.
 */
public final class QuotaLeaseRepository {
    private static final Field<BigDecimal> CLAIM = DSL.greatest(QUOTA_LEASES.GRANTED.plus(QUOTA_LEASES.POSTED),
            DSL.inline(BigDecimal.ZERO));
    private final DSLContext dsl;

    public QuotaLeaseRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Opens a lease of {@code min(free, max(need, preferred))} credits; empty when the user is unknown or less than
     * {@code need} is free.
     */
    public Optional<QuotaLease> open(long userId, String instanceId, BigDecimal need, BigDecimal preferred) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            return take(t, userId, need, preferred).map(amount -> new QuotaLease(t.insertInto(QUOTA_LEASES)
                    .set(QUOTA_LEASES.USER_ID, userId).set(QUOTA_LEASES.INSTANCE_ID, instanceId)
                    .set(QUOTA_LEASES.GRANTED, amount)
                    .returning(QUOTA_LEASES.ID).fetchOne(QUOTA_LEASES.ID), userId, amount));
        });
    }

    /** Adds {@code min(free, max(need, preferred))} credits to an open lease; empty when less than need is free. */
    public Optional<BigDecimal> extend(long leaseId, long userId, BigDecimal need, BigDecimal preferred) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            Optional<BigDecimal> amount = take(t, userId, need, preferred);
            if (amount.isEmpty()) {
                return amount;
            }
            int updated = t.update(QUOTA_LEASES).set(QUOTA_LEASES.GRANTED, QUOTA_LEASES.GRANTED.plus(amount.get()))
                    .where(QUOTA_LEASES.ID.eq(leaseId)).and(QUOTA_LEASES.CLOSED_AT.isNull()).execute();
            return updated == 1 ? amount : Optional.empty();
        });
    }

    /** The credits open leases hold of the user's balance. */
    public BigDecimal held(long userId) {
        return dsl.select(DSL.coalesce(DSL.sum(CLAIM), BigDecimal.ZERO)).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.USER_ID.eq(userId)).and(QUOTA_LEASES.CLOSED_AT.isNull())
                .fetchOne(0, BigDecimal.class);
    }

    /** The holder is alive: marks its open leases renewed now; returns how many. */
    public int renew(String instanceId) {
        return dsl.update(QUOTA_LEASES).set(QUOTA_LEASES.RENEWED_AT, DSL.currentOffsetDateTime())
                .where(QUOTA_LEASES.INSTANCE_ID.eq(instanceId)).and(QUOTA_LEASES.CLOSED_AT.isNull()).execute();
    }

    /** Closes a lease whose ledger rows are all written; its claim on the balance ends. */
    public void close(long leaseId) {
        dsl.update(QUOTA_LEASES).set(QUOTA_LEASES.CLOSED_AT, DSL.currentOffsetDateTime())
                .where(QUOTA_LEASES.ID.eq(leaseId)).and(QUOTA_LEASES.CLOSED_AT.isNull()).execute();
    }

    /** Open leases of this instance (left open by its previous run when called at start). */
    public List<Long> openLeases(String instanceId) {
        return dsl.select(QUOTA_LEASES.ID).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.INSTANCE_ID.eq(instanceId)).and(QUOTA_LEASES.CLOSED_AT.isNull())
                .fetch(QUOTA_LEASES.ID);
    }

    /** Open leases of any instance not renewed for {@code ttl}: their holder is gone. */
    public List<Long> expiredLeases(Duration ttl) {
        return dsl.select(QUOTA_LEASES.ID).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.CLOSED_AT.isNull())
                .and(DSL.condition("{0} < now() - cast({1} as double precision) * interval '1 millisecond'",
                        QUOTA_LEASES.RENEWED_AT, DSL.val(ttl.toMillis())))
                .fetch(QUOTA_LEASES.ID);
    }

    /**
     * Refunds every reservation still open under a lease whose holder is gone (a reserve row with no settle or
     * refund row of the same request) and closes the lease, in one transaction. Returns the refund rows written;
     * empty when the lease was already closed.
     */
    public List<LedgerEntry> recover(long leaseId) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            // The user's row first, then the lease's: the order every ledger write takes, so a recovery and a
            // ledger batch of the same user never deadlock.
            Long userId = t.select(QUOTA_LEASES.USER_ID).from(QUOTA_LEASES).where(QUOTA_LEASES.ID.eq(leaseId))
                    .fetchOne(QUOTA_LEASES.USER_ID);
            if (userId == null) {
                return List.<LedgerEntry>of();
            }
            t.select(USERS.ID).from(USERS).where(USERS.ID.eq(userId)).forUpdate().execute();
            var lease = t.selectFrom(QUOTA_LEASES).where(QUOTA_LEASES.ID.eq(leaseId)).forUpdate().fetchOne();
            if (lease == null || lease.getClosedAt() != null) {
                return List.<LedgerEntry>of();
            }
            List<LedgerPosting> refunds = new ArrayList<>();
            String note = "refund: reservation left open by instance " + lease.getInstanceId()
                    + " (lease " + leaseId + ")";
            openReservations(t, leaseId).forEach((requestId, reserved) -> refunds.add(
                    new LedgerPosting(lease.getUserId(), "refund", reserved, requestId, leaseId, note)));
            List<LedgerEntry> written = new QuotaRepository(t).postInTransaction(refunds);
            t.update(QUOTA_LEASES).set(QUOTA_LEASES.CLOSED_AT, DSL.currentOffsetDateTime())
                    .set(QUOTA_LEASES.RECOVERED, true).where(QUOTA_LEASES.ID.eq(leaseId)).execute();
            return written;
        });
    }

    /** Request id to the credits its still-open reservation holds, for one lease. */
    private static java.util.Map<String, BigDecimal> openReservations(DSLContext t, long leaseId) {
        Field<Integer> reserves = DSL.count().filterWhere(QUOTA_LEDGER.KIND.eq("reserve"));
        Field<Integer> closes = DSL.count().filterWhere(QUOTA_LEDGER.KIND.in("settle", "refund"));
        Field<BigDecimal> reserved = DSL.sum(QUOTA_LEDGER.AMOUNT).filterWhere(QUOTA_LEDGER.KIND.eq("reserve"));
        java.util.Map<String, BigDecimal> open = new java.util.LinkedHashMap<>();
        t.select(QUOTA_LEDGER.REQUEST_ID, reserves, closes, reserved).from(QUOTA_LEDGER)
                .where(QUOTA_LEDGER.LEASE_ID.eq(leaseId)).and(QUOTA_LEDGER.REQUEST_ID.isNotNull())
                .groupBy(QUOTA_LEDGER.REQUEST_ID).orderBy(DSL.min(QUOTA_LEDGER.ID))
                .forEach(r -> {
                    int stillOpen = r.value2() - r.value3();
                    if (stillOpen > 0) {
                        BigDecimal each = r.value4().negate().divide(BigDecimal.valueOf(r.value2()), 6,
                                java.math.RoundingMode.HALF_UP);
                        open.put(r.value1(), each.multiply(BigDecimal.valueOf(stillOpen)));
                    }
                });
        return open;
    }

    /** Locks the user's row and works out what a grant may take; empty when less than need is free. */
    private static Optional<BigDecimal> take(DSLContext t, long userId, BigDecimal need, BigDecimal preferred) {
        BigDecimal balance = t.select(USERS.QUOTA_BALANCE).from(USERS).where(USERS.ID.eq(userId)).forUpdate()
                .fetchOptional(USERS.QUOTA_BALANCE).orElse(null);
        if (balance == null) {
            return Optional.empty();
        }
        BigDecimal held = t.select(DSL.coalesce(DSL.sum(CLAIM), BigDecimal.ZERO)).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.USER_ID.eq(userId)).and(QUOTA_LEASES.CLOSED_AT.isNull())
                .fetchOne(0, BigDecimal.class);
        BigDecimal free = balance.subtract(held);
        if (free.compareTo(need) < 0 || free.signum() <= 0) {
            return Optional.empty();
        }
        return Optional.of(free.min(need.max(preferred)));
    }
}
