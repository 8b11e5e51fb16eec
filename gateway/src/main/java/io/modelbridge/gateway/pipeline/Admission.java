package io.modelbridge.gateway.pipeline;

import io.modelbridge.db.repo.ModelPrice;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.RateAdmission;
import io.modelbridge.gateway.limits.RateLimiter;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.quota.PriceBook;
import io.modelbridge.gateway.quota.Quotas;
import io.modelbridge.gateway.quota.Reservation;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
    /** A request without max_tokens whose balance covers fewer completion tokens than this is refused. */
    public static final int LEAST_MAX_TOKENS = 16;
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

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
        OptionalInt lowered = OptionalInt.empty();
        if (price.isPresent()) {
            BigDecimal worst = PriceBook.worstCase(price.get(), promptTokens, completion);
            if (worst.signum() > 0) {
                // without a max_tokens of the client's, a balance short of the default's worst case still serves
                // the request, with max_tokens lowered to what it covers
                BigDecimal least = maxTokens.isPresent() ? worst
                        : PriceBook.worstCase(price.get(), promptTokens, Math.min(completion, LEAST_MAX_TOKENS));
                try {
                    Reservation r = quotas.reserveUpTo(caller.userId(), requestId, least, worst);
                    reservation = Optional.of(r);
                    if (r.amount().compareTo(worst) < 0) {
                        lowered = OptionalInt.of(completionCovered(price.get(), promptTokens, r.amount()));
                    }
                } catch (GatewayException e) { // refused for quota: still tell the client where its limits stand
                    rate.reconcile(0);
                    GatewayException refusal = e;
                    if ("insufficient_quota".equals(e.error().code())) {
                        metrics.quotaRejected();
                        refusal = explained(e, least, promptTokens, maxTokens.isPresent() ? completion
                                : Math.min(completion, LEAST_MAX_TOKENS), maxTokens.isPresent());
                    }
                    Map<String, String> headers = new java.util.LinkedHashMap<>(rate.headers());
                    headers.putAll(refusal.headers());
                    throw new GatewayException(refusal.error(), headers);
                } catch (RuntimeException e) {
                    rate.reconcile(0);
                    throw e;
                }
            }
        }
        return new Ticket(rate, price, reservation, promptTokens, lowered);
    }

    /** The completion tokens {@code credits} pay for after the prompt, at this price (rounded down). */
    private static int completionCovered(ModelPrice price, int promptTokens, BigDecimal credits) {
        BigDecimal left = credits.multiply(THOUSAND).subtract(price.inputPer1k().multiply(BigDecimal.valueOf(promptTokens)));
        if (price.outputPer1k().signum() == 0) {
            return Integer.MAX_VALUE;
        }
        return left.divide(price.outputPer1k(), 0, RoundingMode.DOWN).min(BigDecimal.valueOf(Integer.MAX_VALUE))
                .intValue();
    }

    /** The quota refusal, saying what the request needs and what the client can do. */
    private static GatewayException explained(GatewayException refusal, BigDecimal needed, int promptTokens,
                                              int completionTokens, boolean clientMaxTokens) {
        String credits = needed.stripTrailingZeros().toPlainString();
        String what = clientMaxTokens
                ? " This request can cost up to " + credits + " credits (" + promptTokens + " prompt tokens and "
                        + "max_tokens " + completionTokens + " at this model's price), more than your balance covers:"
                        + " send a smaller max_tokens or add quota."
                : " This request needs at least " + credits + " credits (" + promptTokens + " prompt tokens and "
                        + completionTokens + " completion tokens at this model's price), more than your balance "
                        + "covers: shorten the prompt or add quota.";
        ApiError e = refusal.error();
        return new GatewayException(new ApiError(e.status(), e.type(), e.code(), e.param(), e.message() + what),
                refusal.headers());
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
        private final OptionalInt lowered;
        private boolean settled;

        private Ticket(RateAdmission rate, Optional<ModelPrice> price, Optional<Reservation> reservation,
                       int promptTokens, OptionalInt lowered) {
            this.rate = rate;
            this.price = price;
            this.reservation = reservation;
            this.promptTokens = promptTokens;
            this.lowered = lowered;
        }

        /**
         * The completion tokens (all choices together) the request must be limited to upstream, when it set no
         * max_tokens and the balance covered less than the default's worst case; empty otherwise.
         */
        public OptionalInt completionLimit() {
            return lowered;
        }

        /** The gateway's count of the prompt, as reserved. */
        public int promptTokens() {
            return promptTokens;
        }

        /** The x-ratelimit-* headers for the response: their values, named by {@link RateAdmission#HEADER_NAMES}. */
        public RateAdmission rateLimits() {
            return rate;
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
            int cached = row.cachedPromptTokens() == null ? 0 : row.cachedPromptTokens();
            UsageRow priced = row.withCost(price.map(p -> PriceBook.cost(p, row.promptTokens(), cached,
                    row.completionTokens())).orElse(BigDecimal.ZERO));
            if (reservation.isPresent()) {
                quotas.settle(reservation.get(), priced);
            } else {
                usage.record(priced);
            }
        }
    }
}
