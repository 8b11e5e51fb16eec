package io.modelbridge.db.repo;

import java.time.Instant;

/**
 * A portal login. {@code userId} and {@code confirmedAt} are null until the email address is confirmed;
 * {@code passwordHash} is a bcrypt hash.
 */
public record PortalAccount(long id, String email, String passwordHash, Long userId, Instant confirmedAt,
                            Instant createdAt) {
    public boolean confirmed() {
        return confirmedAt != null;
    }
}
