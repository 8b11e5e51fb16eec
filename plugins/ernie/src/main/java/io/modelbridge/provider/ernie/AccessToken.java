package io.modelbridge.provider.ernie;

import java.time.Duration;
import java.time.Instant;

/**
 * An ERNIE access token and its lifetime as the token endpoint stated it ({@code expires_in}). It is refreshed
 * ahead of expiry: once a tenth of its lifetime (at most an hour) is left, the next call fetches a new one.
 */
record AccessToken(String value, Instant obtainedAt, Instant expiresAt) {
    private static final Duration MAX_MARGIN = Duration.ofHours(1);

    /** True while the token needs no refresh. */
    boolean freshAt(Instant now) {
        Duration lifetime = Duration.between(obtainedAt, expiresAt);
        Duration margin = lifetime.dividedBy(10);
        if (margin.compareTo(MAX_MARGIN) > 0) {
            margin = MAX_MARGIN;
        }
        return now.isBefore(expiresAt.minus(margin));
    }

    /** True while the vendor should still accept the token (used when a refresh fails). */
    boolean usableAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "AccessToken[***, expires " + expiresAt + "]";
    }
}
