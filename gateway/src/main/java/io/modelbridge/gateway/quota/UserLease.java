package io.modelbridge.gateway.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This instance's lease of one user's quota, in memory: {@code granted} credits taken from the database, of which
 * {@code committed} are reserved by requests in flight or spent by settled ones. Guarded by its lock.
 */
public final class UserLease {
    final long userId;
    final ReentrantLock lock = new ReentrantLock();
    long id;
    BigDecimal granted = BigDecimal.ZERO;
    BigDecimal committed = BigDecimal.ZERO;
    int inFlight;
    Instant lastUsed;
    boolean retired;

    UserLease(long userId, Instant now) {
        this.userId = userId;
        this.lastUsed = now;
    }

    boolean opened() {
        return id != 0;
    }

    BigDecimal available() {
        return granted.subtract(committed);
    }
}
