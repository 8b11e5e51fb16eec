package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.QUOTA_LEASES;
import static io.modelbridge.db.jooq.Tables.USAGE_LOG;
import static io.modelbridge.db.jooq.Tables.USERS;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;

/**
 * Quota leases: the part of a user's balance one gateway instance may commit without asking the database again.
 * Leases never overlap: a grant takes only what the balance has left after every open lease's claim
 * ({@code greatest(granted + posted, 0)}; {@code posted} stays 0 while a lease is open, since its reservations live
 * in its holder's memory), under a lock on the user's row. A lease's close charges the user the sum of the costs of
 * the usage rows charged to it. Lock order, for every writer: lease rows (by id), then the user's row.
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
     *
     * @throws UnconfirmedLeaseGrant when the open failed once its row was inserted: it may be open all the same
     */
    public Optional<QuotaLease> open(long userId, String instanceId, BigDecimal need, BigDecimal preferred) {
        long[] inserted = {0};
        try {
            return dsl.transactionResult(tx -> {
                DSLContext t = tx.dsl();
                return take(t, userId, need, preferred).map(amount -> {
                    inserted[0] = t.insertInto(QUOTA_LEASES).set(QUOTA_LEASES.USER_ID, userId)
                            .set(QUOTA_LEASES.INSTANCE_ID, instanceId).set(QUOTA_LEASES.GRANTED, amount)
                            .returning(QUOTA_LEASES.ID).fetchOne(QUOTA_LEASES.ID);
                    return new QuotaLease(inserted[0], userId, amount);
                });
            });
        } catch (DataAccessException e) {
            throw inserted[0] == 0 ? e : new UnconfirmedLeaseGrant(inserted[0], true, e);
        }
    }

    /**
     * Adds {@code min(free, max(need, preferred))} credits to an open lease; empty when less than need is free or the
     * lease was closed meanwhile (recovered by another instance).
     *
     * @throws UnconfirmedLeaseGrant when the extension failed once its update was made: it may hold all the same
     */
    public Optional<BigDecimal> extend(long leaseId, long userId, BigDecimal need, BigDecimal preferred) {
        boolean[] updated = {false};
        try {
            return dsl.transactionResult(tx -> {
                DSLContext t = tx.dsl();
                // The lease's row first, then the user's (in take): the order of every lease writer.
                Boolean open = t.select(QUOTA_LEASES.CLOSED_AT.isNull()).from(QUOTA_LEASES)
                        .where(QUOTA_LEASES.ID.eq(leaseId)).forUpdate().fetchOne(0, Boolean.class);
                if (!Boolean.TRUE.equals(open)) {
                    return Optional.<BigDecimal>empty();
                }
                Optional<BigDecimal> amount = take(t, userId, need, preferred);
                amount.ifPresent(a -> {
                    t.update(QUOTA_LEASES).set(QUOTA_LEASES.GRANTED, QUOTA_LEASES.GRANTED.plus(a))
                            .where(QUOTA_LEASES.ID.eq(leaseId)).execute();
                    updated[0] = true;
                });
                return amount;
            });
        } catch (DataAccessException e) {
            throw updated[0] ? new UnconfirmedLeaseGrant(leaseId, false, e) : e;
        }
    }

    /** The credits open leases hold of the user's balance. */
    public BigDecimal held(long userId) {
        return dsl.select(DSL.coalesce(DSL.sum(CLAIM), BigDecimal.ZERO)).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.USER_ID.eq(userId)).and(QUOTA_LEASES.CLOSED_AT.isNull())
                .fetchOne(0, BigDecimal.class);
    }

    /**
     * What the user's answered requests cost that the ledger has not charged yet: their usage rows' costs on leases
     * still open (a lease is charged when it closes; rows the retention deleted count by pruned_cost), less what those
     * leases were already charged. The user's balance minus this is {@link User#quotaLeft}.
     */
    static Field<BigDecimal> uncharged(Field<Long> userId) {
        Field<BigDecimal> used = DSL.select(DSL.coalesce(DSL.sum(USAGE_LOG.COST), BigDecimal.ZERO)).from(USAGE_LOG)
                .where(USAGE_LOG.LEASE_ID.eq(QUOTA_LEASES.ID)).asField();
        return DSL.select(DSL.coalesce(DSL.sum(used.plus(QUOTA_LEASES.PRUNED_COST).plus(QUOTA_LEASES.POSTED)),
                        BigDecimal.ZERO)).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.USER_ID.eq(userId)).and(QUOTA_LEASES.CLOSED_AT.isNull()).asField();
    }

    /**
     * The holder had every usage row it recorded before {@code through} written and acknowledged (none of them is in
     * a spill file, to be written again): marks it on its leases still to mark, so the usage retention may delete
     * their rows that began {@link UsageRetention#LATE_ROWS} before. A lease is marked until the mark passes its close
     * by that much (rows of requests in flight at the close come after it): open ones, those closed since, and those
     * another instance recovered while this one was away. Returns how many.
     */
    public int markCaughtUp(String instanceId, Instant through) {
        OffsetDateTime at = Sql.at(through);
        Condition pastClose = Sql.plus(QUOTA_LEASES.CLOSED_AT, UsageRetention.LATE_ROWS).le(at);
        return dsl.update(QUOTA_LEASES).set(QUOTA_LEASES.CAUGHT_UP_THROUGH, at)
                .set(QUOTA_LEASES.CAUGHT_UP, DSL.field(QUOTA_LEASES.CLOSED_AT.isNotNull().and(pastClose)))
                .where(QUOTA_LEASES.INSTANCE_ID.eq(instanceId)).and(QUOTA_LEASES.CAUGHT_UP.isFalse())
                .and(QUOTA_LEASES.CAUGHT_UP_THROUGH.isNull().or(QUOTA_LEASES.CAUGHT_UP_THROUGH.lt(at)))
                .execute();
    }

    /** The holder is alive: marks its open leases renewed now; returns how many. */
    public int renew(String instanceId) {
        return dsl.update(QUOTA_LEASES).set(QUOTA_LEASES.RENEWED_AT, DSL.currentOffsetDateTime())
                .where(QUOTA_LEASES.INSTANCE_ID.eq(instanceId)).and(QUOTA_LEASES.CLOSED_AT.isNull()).execute();
    }

    /**
     * Closes a lease its holder gave back: its claim on the balance ends, and the user is charged exactly the sum of
     * the costs of the usage rows charged to it (see {@link #closeAndCharge}). Returns the amount charged by this call.
     */
    public BigDecimal close(long leaseId) {
        return closeAndCharge(leaseId, false).orElse(BigDecimal.ZERO);
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
                .and(QUOTA_LEASES.RENEWED_AT.lt(Sql.plus(DSL.currentOffsetDateTime(), ttl.negated())))
                .fetch(QUOTA_LEASES.ID);
    }

    /**
     * Closes a lease whose holder is gone (it crashed, or stopped renewing it): as {@link #close}, from whichever usage
     * rows of the holder reached the database. Empty when the lease was closed already.
     */
    public Optional<BigDecimal> recover(long leaseId) {
        return closeAndCharge(leaseId, true);
    }

    /**
     * In one transaction, under the lease's row lock then the user's: charges what the lease's usage rows cost beyond
     * its earlier charges and marks it closed. Idempotent: a close retried after its acknowledgement was lost charges
     * nothing more. Empty when there is no such lease or it was closed already (any charge still due is posted).
     */
    private Optional<BigDecimal> closeAndCharge(long leaseId, boolean recovery) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            var lease = t.selectFrom(QUOTA_LEASES).where(QUOTA_LEASES.ID.eq(leaseId)).forUpdate().fetchOne();
            if (lease == null) {
                return Optional.<BigDecimal>empty();
            }
            boolean wasOpen = lease.getClosedAt() == null;
            String why = !wasOpen ? "usage rows written after the lease closed"
                    : recovery ? "lease recovered from instance " + lease.getInstanceId()
                    : "lease returned by instance " + lease.getInstanceId();
            BigDecimal charged = LeaseCharges.chargeDue(t, leaseId, lease.getUserId(), why);
            if (!wasOpen) {
                return Optional.<BigDecimal>empty();
            }
            t.update(QUOTA_LEASES).set(QUOTA_LEASES.CLOSED_AT, DSL.currentOffsetDateTime())
                    .set(QUOTA_LEASES.RECOVERED, recovery).where(QUOTA_LEASES.ID.eq(leaseId)).execute();
            return Optional.of(charged);
        });
    }

    /**
     * For a batch of usage rows, in the caller's transaction: share-locks the leases they are charged to (so no close
     * runs until the rows are in, and a close that ran before is seen), and returns the user of each lease already
     * closed, whose rows the caller then charges with {@link #chargeLate}.
     */
    static Map<Long, Long> lockForUsage(DSLContext t, Collection<Long> leaseIds) {
        Map<Long, Long> closed = new TreeMap<>();
        t.select(QUOTA_LEASES.ID, QUOTA_LEASES.USER_ID, QUOTA_LEASES.CLOSED_AT).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.ID.in(leaseIds)).orderBy(QUOTA_LEASES.ID).forShare()
                .forEach(r -> {
                    if (r.value3() != null) {
                        closed.put(r.value1(), r.value2());
                    }
                });
        return closed;
    }

    /** Charges the rows that arrived for leases already closed (lease id to user id), in the caller's transaction. */
    static void chargeLate(DSLContext t, Map<Long, Long> closed) {
        closed.forEach((lease, user) -> LeaseCharges.chargeDue(t, lease, user,
                "usage rows written after the lease closed"));
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
