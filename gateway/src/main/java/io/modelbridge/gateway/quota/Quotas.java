package io.modelbridge.gateway.quota;

import io.modelbridge.db.ReadTimeout;
import io.modelbridge.db.repo.QuotaLease;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.db.repo.UnconfirmedLeaseGrant;
import io.modelbridge.db.repo.UsageRetention;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user quota with leases (see docs/control-plane.md). A request reserves its worst case from this instance's
 * lease of the user's balance, in memory; the lease grows from the database only when it cannot cover a request.
 * A finished request's usage row carries its cost and the lease's id; reservations are never written. A lease's
 * close (queued behind its rows on the usage writer) charges the user exactly the sum of the costs of its usage
 * rows. Leases never overlap across instances, idle leases go back after {@link #IDLE}, and leases whose holder
 * stopped renewing them for {@link #LEASE_TTL} are recovered (closed from whichever of its rows reached the
 * database) by any instance.
 */
public final class Quotas implements AutoCloseable {
    static final Duration IDLE = Duration.ofSeconds(2);
    static final Duration LEASE_TTL = Duration.ofSeconds(30);
    /** Past this without a renewal the leases may be recovered by others soon: they are not used any more. */
    static final Duration STALE_AFTER = LEASE_TTL.dividedBy(2);
    private static final Duration RENEW_EVERY = Duration.ofSeconds(1);
    /**
     * A renewal whose connection is silent this long is given up (the next beat takes another connection): two more
     * tries fit before {@link #STALE_AFTER}, where the driver's own 45 s would leave priced requests refused for 30 s.
     */
    static final Duration RENEW_READ_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECOVERY_EVERY = Duration.ofSeconds(10);
    /**
     * A recovery whose connection is silent this long is given up, to be tried again on another connection in
     * {@link #RECOVERY_EVERY} (a close is idempotent): the driver's own 45 s would hold up the housekeeping steps behind
     * it, the key last-used flush of the next ticks among them.
     */
    static final Duration RECOVERY_READ_TIMEOUT = Duration.ofSeconds(5);
    /**
     * A lease grant whose connection is silent this long is given up: its request is answered 503, and the user's
     * other requests, which wait behind the lease's lock, are not held for the driver's 45 s. A grant given up after
     * its write is undone like one whose answer was lost ({@link UnconfirmedLeaseGrant}).
     */
    static final Duration GRANT_READ_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How long a lease open that got no answer to its COMMIT is looked for, when not found open: its COMMIT may still
     * land (a server stalled past the driver's timeout), and it would then be open under this instance's renewals.
     */
    static final Duration UNCONFIRMED_WATCH = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(Quotas.class);
    private static final BigDecimal SMALLEST_CREDIT = BigDecimal.valueOf(1, 6);

    private final DSLContext dsl;
    private final QuotaLeaseRepository leases;
    private final UsageRecorder usage;
    private final String instanceId;
    private final BigDecimal leaseCredits;
    private final Clock clock;
    private final ConcurrentHashMap<Long, UserLease> active = new ConcurrentHashMap<>();
    /** Leases whose open may have committed unseen (see {@link #recoverExpired}), and when: never used, to close. */
    private final ConcurrentHashMap<Long, Instant> unconfirmedOpens = new ConcurrentHashMap<>();
    private volatile Instant renewedAt;
    private Instant markedThrough; // the heartbeat thread's own
    private Instant nextRecovery;

    /**
     * @param usage       writes the usage rows and, behind them, the lease closes
     * @param ledgerSpill the spill file of the ledger writer of versions before one row per request: written once,
     *                    if one was left behind
     */
    public Quotas(DSLContext dsl, UsageRecorder usage, String instanceId, BigDecimal leaseCredits, Clock clock,
                  Path ledgerSpill) {
        this.dsl = dsl;
        this.leases = new QuotaLeaseRepository(dsl);
        this.usage = usage;
        LegacyLedgerSpill.replay(new QuotaRepository(dsl), leases, ledgerSpill);
        this.instanceId = instanceId;
        this.leaseCredits = leaseCredits;
        this.clock = clock;
        this.renewedAt = clock.instant();
        this.nextRecovery = clock.instant();
    }

    /**
     * What the ledger still waits for: usage rows (which carry the charges) and lease closes not yet in the
     * database, queued or kept for a retry; for the metrics.
     */
    public int ledgerBacklog() {
        return usage.backlog();
    }

    /** How long the oldest of those has waited (zero when none), for /readyz. */
    public Duration ledgerBacklogAge() {
        return usage.backlogAge();
    }

    /**
     * Closes the leases this instance's previous run left open (a crash): each charges the usage rows of it that
     * reached the database. Returns how many.
     */
    public int recoverOwn() {
        int closed = 0;
        for (long lease : leases.openLeases(instanceId)) {
            leases.recover(lease).ifPresent(charged -> LOG.info("Recovered quota lease {} left open by the previous "
                    + "run: charged {} for its usage rows", lease, charged.stripTrailingZeros().toPlainString()));
            closed++;
        }
        return closed;
    }

    /**
     * @throws GatewayException 429 insufficient_quota when the user's balance cannot cover {@code amount}; 503
     *                          quota_unavailable when the leases were not renewed for {@link #STALE_AFTER}
     */
    public Reservation reserve(long userId, String requestId, BigDecimal amount) {
        return reserveUpTo(userId, requestId, amount, amount);
    }

    /**
     * Reserves as much of {@code most} as the user's balance covers, and at least {@code least}.
     *
     * @throws GatewayException 429 insufficient_quota when the user's balance cannot cover {@code least}; 503
     *                          quota_unavailable when the leases were not renewed for {@link #STALE_AFTER}
     */
    public Reservation reserveUpTo(long userId, String requestId, BigDecimal least, BigDecimal most) {
        Duration silent = Duration.between(renewedAt, clock.instant());
        if (silent.compareTo(STALE_AFTER) > 0) {
            throw unavailable("its quota leases were last renewed " + silent.toSeconds() + " s ago");
        }
        if (!usage.hasRoom()) {
            throw unavailable("the usage writer has a backlog of " + usage.backlog() + " rows");
        }
        while (true) {
            UserLease lease = active.computeIfAbsent(userId, id -> new UserLease(id, clock.instant()));
            lease.lock.lock();
            try {
                if (lease.retired) {
                    continue;
                }
                if (lease.available().compareTo(most) < 0) {
                    grow(lease, least, most);
                }
                BigDecimal amount = most.min(lease.available());
                lease.committed = lease.committed.add(amount);
                lease.inFlight++;
                lease.lastUsed = clock.instant();
                return new Reservation(userId, requestId, amount, lease);
            } finally {
                lease.lock.unlock();
            }
        }
    }

    /**
     * The request is over: its usage row (whose cost is what it delivered, zero when nothing) is queued charged to
     * the lease, and the rest of its reservation goes back to the lease. The row is queued under the lease's lock,
     * before the lease can be closed, so the close comes after it.
     */
    public void settle(Reservation r, UsageRow row) {
        UserLease lease = r.lease();
        lease.lock.lock();
        try {
            lease.committed = lease.committed.add(row.cost()).subtract(r.amount());
            lease.inFlight--;
            lease.lastUsed = clock.instant();
            usage.record(row.chargedTo(lease.id));
            if (lease.retired && lease.inFlight == 0) {
                usage.closeLease(lease.id);
            }
        } finally {
            lease.lock.unlock();
        }
    }

    /**
     * Takes more of the user's balance into the lease, so that it covers {@code most} if the balance allows and
     * {@code least} at the very least (else 429); under the lease's lock.
     */
    private void grow(UserLease lease, BigDecimal least, BigDecimal most) {
        BigDecimal preferred = most.subtract(lease.available()).max(leaseCredits);
        BigDecimal shortfall = least.subtract(lease.available());
        // covered: the lease has the least already, and takes more only if the balance has it
        boolean covered = shortfall.signum() <= 0;
        BigDecimal need = covered ? SMALLEST_CREDIT : shortfall;
        try {
            if (!lease.opened()) {
                Optional<QuotaLease> opened = leasesWithin(GRANT_READ_TIMEOUT,
                        l -> l.open(lease.userId, instanceId, need, preferred));
                if (opened.isPresent()) {
                    lease.id = opened.get().id();
                    lease.granted = opened.get().granted();
                    return;
                }
            } else {
                Optional<BigDecimal> extra = leasesWithin(GRANT_READ_TIMEOUT,
                        l -> l.extend(lease.id, lease.userId, need, preferred));
                if (extra.isPresent()) {
                    lease.granted = lease.granted.add(extra.get());
                    return;
                }
            }
        } catch (org.jooq.exception.DataAccessException e) {
            LOG.warn("Could not take a quota lease for user {}: {}", lease.userId, e.getMessage());
            if (e instanceof UnconfirmedLeaseGrant unconfirmed) {
                if (unconfirmed.opening()) {
                    unconfirmedOpens.put(unconfirmed.leaseId(), clock.instant());
                } else {
                    // the lease may hold more than this instance knows of, for as long as requests keep it in use:
                    // its close releases all it holds, and the next request opens another
                    retireIf(lease, l -> true);
                    throw unavailable("a quota lease extension was not confirmed");
                }
            }
            if (covered) {
                return;
            }
            throw unavailable("the quota store is unreachable");
        }
        if (covered) {
            return;
        }
        throw new GatewayException(new ApiError(429, "insufficient_quota", "insufficient_quota", null,
                "You exceeded your current quota, please check your plan and billing details."),
                Map.of("x-should-retry", "false")); // waiting does not refill a balance: no Retry-After
    }

    /**
     * Called a few times a second on a thread of its own, so slow housekeeping cannot delay it: renews this
     * instance's leases every second, and gives them up when they could not be renewed for {@link #STALE_AFTER}.
     */
    public void heartbeat() {
        Instant now = clock.instant();
        Duration silent = Duration.between(renewedAt, now);
        if (silent.compareTo(RENEW_EVERY) < 0) {
            return;
        }
        try {
            leasesWithin(RENEW_READ_TIMEOUT, beat -> {
                beat.renew(instanceId);
                renewedAt = now; // when the renewal began: a renewal that hung is not counted as fresh
                Instant caughtUp = usage.caughtUpThrough();
                if (caughtUp != null && !caughtUp.equals(markedThrough)) {
                    beat.markCaughtUp(instanceId, caughtUp); // the usage retention may delete rows well before it
                    markedThrough = caughtUp;
                }
                return null;
            });
        } catch (RuntimeException e) { // retried on the next beat; warned once, when the leases are given up
            if (silent.compareTo(STALE_AFTER) > 0 && !active.isEmpty()) {
                LOG.warn("Quota leases not renewed for {} s ({}); giving them up", silent.toSeconds(), e.getMessage());
                releaseAll();
            }
        }
    }

    /**
     * Called a few times a second, beside {@link #heartbeat} and not behind the housekeeping's database work (a flush
     * hung on a silent connection would hold idle leases for 45 s): returns the leases idle for {@link #IDLE}. No
     * database work: a close is queued on the usage writer.
     */
    public void returnIdle() {
        Instant now = clock.instant();
        active.values().forEach(lease -> retireIf(lease, l -> l.inFlight == 0
                && Duration.between(l.lastUsed, now).compareTo(IDLE) >= 0));
    }

    /**
     * Called often (a few times a second): every ten seconds recovers the leases of instances that stopped renewing,
     * and closes this instance's leases whose open got no answer to its COMMIT. Such a lease is open in the database
     * if the server committed it, and this instance's heartbeat renews it with the others, so no other instance would
     * recover it: it would hold the user's credits while this instance lives. No request was charged to it, so its
     * close charges nothing.
     */
    public void recoverExpired() {
        Instant now = clock.instant();
        if (!now.isBefore(nextRecovery)) {
            nextRecovery = now.plus(RECOVERY_EVERY);
            leasesWithin(RECOVERY_READ_TIMEOUT, recovery -> {
                for (long lease : recovery.expiredLeases(LEASE_TTL)) {
                    recovery.recover(lease).ifPresent(charged -> LOG.warn("Recovered quota lease {}: its instance "
                            + "stopped renewing it; charged {} for its usage rows", lease,
                            charged.stripTrailingZeros().toPlainString()));
                }
                unconfirmedOpens.forEach((lease, since) -> {
                    boolean closed = recovery.recover(lease).isPresent();
                    if (closed) {
                        LOG.info("Closed quota lease {}: its open got no answer, so it was never used", lease);
                    }
                    if (closed || Duration.between(since, now).compareTo(UNCONFIRMED_WATCH) > 0) {
                        unconfirmedOpens.remove(lease);
                    }
                });
                return null;
            });
        }
    }

    /** Gives every lease back (after a balance change, so the next requests lease from the new balance). */
    public void releaseAll() {
        active.values().forEach(lease -> retireIf(lease, l -> true));
    }

    /** Lease work on one connection whose reads give up after {@code timeout} of silence ({@link ReadTimeout}). */
    private <T> T leasesWithin(Duration timeout, Function<QuotaLeaseRepository, T> work) {
        return ReadTimeout.within(dsl, timeout, t -> work.apply(new QuotaLeaseRepository(t)));
    }

    private void retireIf(UserLease lease, java.util.function.Predicate<UserLease> condition) {
        lease.lock.lock();
        try {
            if (lease.retired || !condition.test(lease)) {
                return;
            }
            lease.retired = true;
            active.remove(lease.userId, lease);
            if (lease.opened() && lease.inFlight == 0) {
                usage.closeLease(lease.id);
            }
        } finally {
            lease.lock.unlock();
        }
    }

    private static GatewayException unavailable(String why) {
        return new GatewayException(ApiError.serverError(503, "quota_unavailable",
                "The gateway cannot check quota right now (" + why + "); retry shortly."), Map.of("Retry-After", "1"));
    }

    /**
     * Returns every lease: their closes queue behind their usage rows; call when no request is in flight, and
     * before the usage writer's close, which writes them.
     */
    @Override
    public void close() {
        releaseAll();
    }

    /**
     * After a clean stop (every usage row written, every lease returned, no request left) no row of this instance's
     * leases is still to come: the usage retention may delete all of them when they are due, not only those a day
     * older than the last mark (an instance id that never starts again would keep those for good).
     */
    public void markAllUsageWritten() {
        leases.markCaughtUp(instanceId, clock.instant().plus(UsageRetention.LATE_ROWS));
    }
}
