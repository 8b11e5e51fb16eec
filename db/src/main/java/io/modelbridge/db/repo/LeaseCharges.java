package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.QUOTA_LEASES;
import static io.modelbridge.db.jooq.Tables.QUOTA_LEDGER;
import static io.modelbridge.db.jooq.Tables.USAGE_LOG;
import static io.modelbridge.db.jooq.Tables.USERS;

import java.math.BigDecimal;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;

/**
 * What a lease costs its user: exactly the sum of the costs of the usage rows charged to it (those the usage retention
 * deleted counted by the lease's pruned_cost), posted as 'charge' ledger rows. {@link #chargeDue} posts whatever the
 * ledger has not charged yet, so running it again (a retried close whose acknowledgement was lost, usage rows that
 * arrive after the close) never charges a row twice and never misses one.
 */
final class LeaseCharges {
    static final String KIND = "charge";

    private LeaseCharges() {}

    /**
     * Charges the user what the lease's usage rows cost beyond its earlier charges, in the caller's transaction,
     * which holds the lease's row lock. Takes the user's row lock before reading the sums, so two callers for the
     * same lease (a close and a batch of late rows) see each other's rows and charges. Returns the amount charged
     * (zero when nothing was due or the user is gone).
     */
    static BigDecimal chargeDue(DSLContext t, long leaseId, long userId, String why) {
        Optional<BigDecimal> locked = t.select(USERS.QUOTA_BALANCE).from(USERS).where(USERS.ID.eq(userId))
                .forUpdate().fetchOptional(USERS.QUOTA_BALANCE);
        if (locked.isEmpty()) {
            return BigDecimal.ZERO;
        }
        Record2<Integer, BigDecimal> kept = t.select(DSL.count(), DSL.coalesce(DSL.sum(USAGE_LOG.COST), BigDecimal.ZERO))
                .from(USAGE_LOG).where(USAGE_LOG.LEASE_ID.eq(leaseId)).fetchOne();
        Record2<Long, BigDecimal> pruned = t.select(QUOTA_LEASES.PRUNED_ROWS, QUOTA_LEASES.PRUNED_COST)
                .from(QUOTA_LEASES).where(QUOTA_LEASES.ID.eq(leaseId)).fetchOne();
        long rows = kept.value1() + (pruned == null ? 0 : pruned.value1());
        BigDecimal cost = pruned == null ? kept.value2() : kept.value2().add(pruned.value2());
        BigDecimal charged = t.select(DSL.coalesce(DSL.sum(QUOTA_LEDGER.AMOUNT), BigDecimal.ZERO)).from(QUOTA_LEDGER)
                .where(QUOTA_LEDGER.LEASE_ID.eq(leaseId)).and(QUOTA_LEDGER.KIND.eq(KIND))
                .fetchOne(0, BigDecimal.class).negate();
        BigDecimal due = cost.subtract(charged);
        if (due.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal after = locked.get().subtract(due);
        t.update(USERS).set(USERS.QUOTA_BALANCE, after).where(USERS.ID.eq(userId)).execute();
        t.insertInto(QUOTA_LEDGER).set(QUOTA_LEDGER.USER_ID, userId).set(QUOTA_LEDGER.KIND, KIND)
                .set(QUOTA_LEDGER.AMOUNT, due.negate()).set(QUOTA_LEDGER.BALANCE_AFTER, after)
                .set(QUOTA_LEDGER.LEASE_ID, leaseId)
                .set(QUOTA_LEDGER.NOTE, why + " (lease " + leaseId + ": " + rows + " usage rows, cost "
                        + cost.stripTrailingZeros().toPlainString() + ")")
                .execute();
        t.update(QUOTA_LEASES).set(QUOTA_LEASES.POSTED, QUOTA_LEASES.POSTED.minus(due))
                .where(QUOTA_LEASES.ID.eq(leaseId)).execute();
        return due;
    }
}
