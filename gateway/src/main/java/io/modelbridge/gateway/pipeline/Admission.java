package io.modelbridge.gateway.pipeline;

import io.modelbridge.db.repo.ModelPrice;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.RateAdmission;
import io.modelbridge.gateway.limits.RateLimiter;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.quota.PriceBook;
import io.modelbridge.gateway.quota.Quotas;
import io.modelbridge.gateway.quota.Reservation;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Lets a request in, or not, before any upstream call: the request-rate limits first (before any token is counted,
 * so a refused request costs no tokenizer time), then the token limits and a quota reservation of the request's
 * worst case (prompt tokens + max_tokens, or the configured default, at the model's price). The ticket then settles
 * the request: it bills what reached the client (nothing when nothing did), the usage row carries that cost, charged
 * to the lease the reservation came from, and the rest of the reservation goes back to the lease.
 */
public final class Admission {
    private final RateLimiter limits;
    private final PriceBook prices;
    private final Quotas quotas;
    private final int defaultMaxTokens;

    private final UsageRecorder usage;
    private final GatewayMetrics metrics;

    public Admission(RateLimiter limits, PriceBook prices, Quotas quotas, UsageRecorder usage, int defaultMaxTokens,
                     GatewayMetrics metrics) {
        this.usage = usage;
        this.metrics = metrics;
        this.limits = limits;
        this.prices = prices;
        this.quotas = quotas;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /**
     * @param promptCount counts the prompt's tokens; called at most once, and only once the request limits let the
     *                    request through
     * @param maxTokens   the completion tokens the client allowed, empty when it set none (0 for embeddings)
     * @throws GatewayException 429 rate_limit_exceeded or insufficient_quota, with the x-ratelimit-* headers
     */
    public Ticket admit(Caller caller, String model, String requestId, IntSupplier promptCount,
                        Optional<Integer> maxTokens) {
        int completion = maxTokens.orElse(defaultMaxTokens);
        int[] counted = {-1};
        IntSupplier prompt = () -> counted[0] >= 0 ? counted[0] : (counted[0] = promptCount.getAsInt());
        RateAdmission rate;
        try {
            rate = limits.admit(caller, model, () -> (long) prompt.getAsInt() + completion);
        } catch (GatewayException e) {
            metrics.rateLimited();
            throw e;
        }
        int promptTokens = prompt.getAsInt();
        Optional<ModelPrice> price = prices.of(model);
        Optional<Reservation> reservation = Optional.empty();
        if (price.isPresent()) {
            BigDecimal worst = PriceBook.worstCase(price.get(), promptTokens, completion);
            if (worst.signum() > 0) {
                try {
                    reservation = Optional.of(quotas.reserve(caller.userId(), requestId, worst));
                } catch (GatewayException e) { // refused for quota: still tell the client where its limits stand
                    if ("insufficient_quota".equals(e.error().code())) {
                        metrics.quotaRejected();
                    }
                    rate.reconcile(0);
                    Map<String, String> headers = new java.util.LinkedHashMap<>(rate.headers());
                    headers.putAll(e.headers());
                    throw new GatewayException(e.error(), headers);
                } catch (RuntimeException e) {
                    rate.reconcile(0);
                    throw e;
                }
            }
        }
        return new Ticket(rate, price, reservation, promptTokens);
    }

    /** The usage row of a request refused before it was admitted (bad key, bad request, a limit): nothing to bill. */
    public void refused(UsageRow row) {
        usage.record(row);
    }

    /** One admitted request. */
    public final class Ticket {
        private final RateAdmission rate;
        private final Optional<ModelPrice> price;
        private final Optional<Reservation> reservation;
        private final int promptTokens;
        private boolean settled;

        private Ticket(RateAdmission rate, Optional<ModelPrice> price, Optional<Reservation> reservation,
                       int promptTokens) {
            this.rate = rate;
            this.price = price;
            this.reservation = reservation;
            this.promptTokens = promptTokens;
        }

        /** The gateway's count of the prompt, as reserved. */
        public int promptTokens() {
            return promptTokens;
        }

        /** The x-ratelimit-* headers for the response. */
        public Map<String, String> headers() {
            return rate.headers();
        }

        /**
         * Settles the request, once: the token limits are reconciled with the tokens the row bills (what reached the
         * client; none when nothing did), those tokens are priced, and the row is queued with that cost, charged to the
         * lease of the reservation, which then ends (without a reservation, the row is queued as it is).
         */
        public void settle(UsageRow row) {
            if (settled) {
                return;
            }
            settled = true;
            rate.reconcile((long) row.promptTokens() + row.completionTokens());
            UsageRow priced = row.withCost(price.map(p -> PriceBook.cost(p, row.promptTokens(), row.completionTokens()))
                    .orElse(BigDecimal.ZERO));
            if (reservation.isPresent()) {
                quotas.settle(reservation.get(), priced);
            } else {
                usage.record(priced);
            }
        }
    }
}
