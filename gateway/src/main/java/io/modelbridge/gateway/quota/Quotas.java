package io.modelbridge.gateway.quota;

import io.modelbridge.db.repo.LedgerEntry;
import io.modelbridge.db.repo.LedgerPosting;
import io.modelbridge.db.repo.QuotaLease;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-user quota with leases (see docs/control-plane.md). A request reserves its worst case from this instance's
 * lease of the user's balance, in memory; the lease grows from the database only when it cannot cover a request.
 * Every reservation, settlement and refund is a ledger row, appended in batches off the request path. Leases
 * never overlap across instances, idle leases go back after {@link #IDLE}, and leases whose holder stopped renewing
 * them for {@link #LEASE_TTL} are recovered (their open reservations refunded) by any instance.
 */
public final class Quotas implements AutoCloseable {
    static final Duration IDLE = Duration.ofSeconds(2);
    static final Duration LEASE_TTL = Duration.ofSeconds(30);
    /** Past this without a renewal the leases may be recovered by others soon: they are not used any more. */
    static final Duration STALE_AFTER = LEASE_TTL.dividedBy(2);
    private static final Duration RENEW_EVERY = Duration.ofSeconds(1);
    private static final Duration RECOVERY_EVERY = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(Quotas.class);

    private final QuotaLeaseRepository leases;
    private final LedgerWriter writer;
    private final String instanceId;
    private final BigDecimal leaseCredits;
    private final Clock clock;
    private final ConcurrentHashMap<Long, UserLease> active = new ConcurrentHashMap<>();
    private volatile Instant renewedAt;
    private Instant nextRecovery;

    public Quotas(DSLContext dsl, String instanceId, BigDecimal leaseCredits, Clock clock, Path ledgerSpill) {
        this.leases = new QuotaLeaseRepository(dsl);
        this.writer = new LedgerWriter(new QuotaRepository(dsl), leases, ledgerSpill);
        this.instanceId = instanceId;
        this.leaseCredits = leaseCredits;
        this.clock = clock;
        this.renewedAt = clock.instant();
        this.nextRecovery = clock.instant();
    }

    /** Ledger rows not yet in the database (queued or in the spill file), for the metrics. */
    public int ledgerBacklog() {
        return writer.backlog();
    }

    /** How long the oldest ledger row not yet in the database has waited (zero when none), for /readyz. */
    public Duration ledgerBacklogAge() {
        return writer.backlogAge();
    }

    /** Refunds the reservations this instance's previous run left open (a crash) and closes its leases. */
    public int recoverOwn() {
        int refunds = 0;
        for (long lease : leases.openLeases(instanceId)) {
            List<LedgerEntry> rows = leases.recover(lease);
            refunds += rows.size();
            LOG.info("Recovered quota lease {} left open by the previous run: {} open reservation(s) refunded", lease,
                    rows.size());
        }
        return refunds;
    }

    /**
     * @throws GatewayException 429 insufficient_quota when the user's balance cannot cover {@code amount}; 503
     *                          quota_unavailable when the leases were not renewed for {@link #STALE_AFTER}
     */
    public Reservation reserve(long userId, String requestId, BigDecimal amount) {
        Duration silent = Duration.between(renewedAt, clock.instant());
        if (silent.compareTo(STALE_AFTER) > 0) {
            throw unavailable("its quota leases were last renewed " + silent.toSeconds() + " s ago");
        }
        if (!writer.hasRoom()) {
            throw unavailable("the quota ledger has a backlog of " + writer.backlog() + " rows");
        }
        while (true) {
            UserLease lease = active.computeIfAbsent(userId, id -> new UserLease(id, clock.instant()));
            lease.lock.lock();
            try {
                if (lease.retired) {
                    continue;
                }
                if (lease.available().compareTo(amount) < 0) {
                    grow(lease, amount);
                }
                lease.committed = lease.committed.add(amount);
                lease.inFlight++;
                lease.lastUsed = clock.instant();
                writer.post(new LedgerPosting(userId, "reserve", amount.negate(), requestId, lease.id, null));
                return new Reservation(userId, requestId, amount, lease);
            } finally {
                lease.lock.unlock();
            }
        }
    }

    /** Charges {@code cost} for the request and gives the rest of its reservation back to the lease. */
    public void settle(Reservation r, BigDecimal cost) {
        finish(r, "settle", r.amount().subtract(cost), cost, "charged " + cost.stripTrailingZeros().toPlainString());
    }

    /** The request cost nothing: its whole reservation goes back. */
    public void refund(Reservation r) {
        finish(r, "refund", r.amount(), BigDecimal.ZERO, "nothing delivered, nothing charged");
    }

    private void finish(Reservation r, String kind, BigDecimal amount, BigDecimal cost, String note) {
        UserLease lease = r.lease();
        lease.lock.lock();
        try {
            lease.committed = lease.committed.add(cost).subtract(r.amount());
            lease.inFlight--;
            lease.lastUsed = clock.instant();
            writer.post(new LedgerPosting(r.userId(), kind, amount, r.requestId(), lease.id, note));
            if (lease.retired && lease.inFlight == 0) {
                writer.closeLease(lease.id);
            }
        } finally {
            lease.lock.unlock();
        }
    }

    /** Takes more of the user's balance into the lease; under the lease's lock. */
    private void grow(UserLease lease, BigDecimal amount) {
        BigDecimal need = amount.subtract(lease.available());
        BigDecimal preferred = need.max(leaseCredits);
        try {
            if (!lease.opened()) {
                Optional<QuotaLease> opened = leases.open(lease.userId, instanceId, need, preferred);
                if (opened.isPresent()) {
                    lease.id = opened.get().id();
                    lease.granted = opened.get().granted();
                    return;
                }
            } else {
                Optional<BigDecimal> extra = leases.extend(lease.id, lease.userId, need, preferred);
                if (extra.isPresent()) {
                    lease.granted = lease.granted.add(extra.get());
                    return;
                }
            }
        } catch (org.jooq.exception.DataAccessException e) {
            LOG.warn("Could not take a quota lease for user {}: {}", lease.userId, e.getMessage());
            throw unavailable("the quota store is unreachable");
        }
        throw new GatewayException(new ApiError(429, "insufficient_quota", "insufficient_quota", null,
                "You exceeded your current quota, please check your plan and billing details."),
                Map.of("Retry-After", "60"));
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
            leases.renew(instanceId);
            renewedAt = now; // when the renewal began: a renewal that hung is not counted as fresh
        } catch (RuntimeException e) { // retried on the next beat; warned once, when the leases are given up
            if (silent.compareTo(STALE_AFTER) > 0 && !active.isEmpty()) {
                LOG.warn("Quota leases not renewed for {} s ({}); giving them up", silent.toSeconds(), e.getMessage());
                releaseAll();
            }
        }
    }

    /**
     * Called often (a few times a second): returns idle leases, and every ten seconds recovers the leases of
     * instances that stopped renewing theirs.
     */
    public void housekeeping() {
        Instant now = clock.instant();
        active.values().forEach(lease -> retireIf(lease, l -> l.inFlight == 0
                && Duration.between(l.lastUsed, now).compareTo(IDLE) >= 0));
        if (!now.isBefore(nextRecovery)) {
            nextRecovery = now.plus(RECOVERY_EVERY);
            for (long lease : leases.expiredLeases(LEASE_TTL)) {
                LOG.warn("Recovering quota lease {}: its instance stopped renewing it", lease);
                leases.recover(lease);
            }
        }
    }

    /** Gives every lease back (after a balance change, so the next requests lease from the new balance). */
    public void releaseAll() {
        active.values().forEach(lease -> retireIf(lease, l -> true));
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
                writer.closeLease(lease.id);
            }
        } finally {
            lease.lock.unlock();
        }
    }

    private static GatewayException unavailable(String why) {
        return new GatewayException(ApiError.serverError(503, "quota_unavailable",
                "The gateway cannot check quota right now (" + why + "); retry shortly."), Map.of("Retry-After", "1"));
    }

    /** Returns every lease and writes the ledger rows still queued; call when no request is in flight. */
    @Override
    public void close() {
        releaseAll();
        writer.close();
    }
}
