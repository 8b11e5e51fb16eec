package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.QUOTA_LEASES;
import static io.modelbridge.db.jooq.Tables.USAGE_LOG;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record2;

/**
 * Deletes usage rows past the retention (MB_USAGE_RETENTION_DAYS), a bounded batch per transaction, without changing
 * what any user is charged: the rows of a lease that go are added to its pruned_rows and pruned_cost in the same
 * transaction, which {@link LeaseCharges#chargeDue} and the quota left count with the rows that stay. A row charged to
 * a lease goes only once the lease's holder has marked every row it recorded up to a day after that row began as
 * written ({@link QuotaLeaseRepository#markCaughtUp}): a row whose commit was not acknowledged, kept in a spill file
 * and written again later (skipped as already stored), would otherwise be written and charged twice had its first
 * copy been deleted meanwhile.
 */
public final class UsageRetention {
    /** Rows one transaction deletes: it holds the row locks of their leases meanwhile. */
    public static final int BATCH = 1000;
    /**
     * The longest a request's usage row may be recorded after the request began: more than MB_MAX_ATTEMPTS ×
     * MB_REQUEST_TIMEOUT_SECONDS with their defaults (30 minutes), with room to spare.
     */
    public static final Duration LATE_ROWS = Duration.ofDays(1);
    private final DSLContext dsl;

    public UsageRetention(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Deletes up to {@link #BATCH} usage rows created before {@code cutoff}, the oldest first; returns how many. */
    public int prune(Instant cutoff) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            Condition writtenForGood =
                    USAGE_LOG.CREATED_AT.lt(Sql.plus(QUOTA_LEASES.CAUGHT_UP_THROUGH, LATE_ROWS.negated()));
            List<Record2<String, Long>> doomed = t.select(USAGE_LOG.REQUEST_ID, USAGE_LOG.LEASE_ID).from(USAGE_LOG)
                    .leftJoin(QUOTA_LEASES).on(QUOTA_LEASES.ID.eq(USAGE_LOG.LEASE_ID))
                    .where(USAGE_LOG.CREATED_AT.lt(Sql.at(cutoff)))
                    .and(USAGE_LOG.LEASE_ID.isNull().or(QUOTA_LEASES.ID.isNull()).or(writtenForGood))
                    .orderBy(USAGE_LOG.CREATED_AT).limit(BATCH).fetch();
            if (doomed.isEmpty()) {
                return 0;
            }
            TreeSet<Long> leases = new TreeSet<>();
            doomed.forEach(r -> {
                if (r.value2() != null) {
                    leases.add(r.value2());
                }
            });
            // Every writer's lock order: the lease rows (by id) before anything else. A close or a usage batch of
            // these leases waits for this transaction, and then sees the rows gone and the pruned sums together.
            if (!leases.isEmpty()) {
                t.select(QUOTA_LEASES.ID).from(QUOTA_LEASES).where(QUOTA_LEASES.ID.in(leases))
                        .orderBy(QUOTA_LEASES.ID).forUpdate().execute();
            }
            List<Record2<Long, BigDecimal>> gone = t.deleteFrom(USAGE_LOG)
                    .where(USAGE_LOG.REQUEST_ID.in(doomed.stream().map(Record2::value1).toList()))
                    .and(USAGE_LOG.CREATED_AT.lt(Sql.at(cutoff)))
                    .returningResult(USAGE_LOG.LEASE_ID, USAGE_LOG.COST).fetch();
            Map<Long, Pruned> perLease = new TreeMap<>();
            gone.forEach(r -> {
                if (r.value1() != null) {
                    perLease.merge(r.value1(), new Pruned(1, r.value2()), Pruned::plus);
                }
            });
            perLease.forEach((lease, p) -> t.update(QUOTA_LEASES)
                    .set(QUOTA_LEASES.PRUNED_ROWS, QUOTA_LEASES.PRUNED_ROWS.plus(p.rows()))
                    .set(QUOTA_LEASES.PRUNED_COST, QUOTA_LEASES.PRUNED_COST.plus(p.cost()))
                    .where(QUOTA_LEASES.ID.eq(lease)).execute());
            return gone.size();
        });
    }

    private record Pruned(long rows, BigDecimal cost) {
        Pruned plus(Pruned other) {
            return new Pruned(rows + other.rows, cost.add(other.cost));
        }
    }
}
