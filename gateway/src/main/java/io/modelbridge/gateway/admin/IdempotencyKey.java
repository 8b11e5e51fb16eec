package io.modelbridge.gateway.admin;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.modelbridge.db.repo.LedgerEntry;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code Idempotency-Key} header of a quota grant: a grant retried with the key of one already recorded (its
 * answer was lost, or a payment webhook fired twice) records nothing more and answers as a grant does, with
 * {@code Idempotent-Replayed: true}. The key is kept as the ledger row's {@code request_id}, for good.
 */
final class IdempotencyKey {
    static final HeaderName HEADER = HeaderNames.create("Idempotency-Key");
    static final HeaderName REPLAYED = HeaderNames.create("Idempotent-Replayed");
    static final int MAX_LENGTH = 255;

    private IdempotencyKey() {}

    /** The request's key: 1 to 255 visible ASCII characters, or 400. */
    static Optional<String> of(ServerRequest req) {
        Optional<String> key = req.headers().first(HEADER);
        key.ifPresent(k -> {
            if (k.isEmpty() || k.length() > MAX_LENGTH || !k.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new GatewayException(ApiError.invalidRequest("'Idempotency-Key' must be 1 to " + MAX_LENGTH
                        + " visible ASCII characters.", "Idempotency-Key"));
            }
        });
        return key;
    }

    /** A retry must ask for what the first request asked for: the same user, credits and note; else 422. */
    static void requireSame(LedgerEntry earlier, long userId, BigDecimal credits, String note) {
        if (earlier.userId() != userId || earlier.amount().compareTo(credits) != 0
                || !Objects.equals(earlier.note(), note)) {
            throw new GatewayException(new ApiError(422, "invalid_request_error", "idempotency_key_reused",
                    "Idempotency-Key", "This Idempotency-Key was used for another grant (ledger row " + earlier.id()
                    + "): a retry must send the same user, credits and note."));
        }
    }
}
