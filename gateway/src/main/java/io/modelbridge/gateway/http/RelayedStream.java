package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.pipeline.FailoverOutcome;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.CallContext;
import io.modelbridge.spi.ChatChunk;
import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.Usage;
import java.util.List;
import java.util.function.Consumer;

/**
 * A streamed answer of any kind of call (chat, legacy completions), relayed with failover: a failure before the first
 * event is thrown (a real HTTP error); after it, the stream ends with the dialect's error event, and what was
 * delivered is billed. A stream whose dialect pings is pinged while silent ({@link StreamPings}); pings alone are
 * not an answer: they neither stop failover nor bill anything.
 */
final class RelayedStream {
    /** The chunks one attempt streams from its adapter. */
    interface Source {
        Consumer<Consumer<ChatChunk>> of(ServingTarget serving, ProviderAdapter adapter, CallContext ctx);
    }

    /** One attempt on the relay: a stream of chunks ({@link SseRelay#relay}) or of events already in the dialect. */
    interface Attempt {
        Void run(SseRelay relay, ServingTarget serving, ProviderAdapter adapter, CallContext ctx);
    }

    private RelayedStream() {}

    static void serve(ApiServices s, List<Target> plan, Exchange exchange, ServerResponse res, StreamEncoder encoder,
                      Source source) {
        serve(s, plan, exchange, res, encoder, (Attempt) (relay, serving, adapter, ctx) ->
                relay.relay(serving, source.of(serving, adapter, ctx)));
    }

    static void serve(ApiServices s, List<Target> plan, Exchange exchange, ServerResponse res, StreamEncoder encoder,
                      Attempt attempt) {
        StreamTally tally = new StreamTally(exchange.startNanos);
        SseRelay relay = new SseRelay(res, encoder, tally, s.targetHeaders());
        relay.beforeLastPassedEvent(() -> {
            exchange.servedBy(relay.serving());
            delivered(s, exchange, tally);
            settle(exchange, tally, relay);
        });
        try {
            FailoverOutcome<Void> outcome;
            try (StreamPings.Watch pings = StreamPings.watch(relay)) {
                outcome = s.failover().run(plan, (serving, adapter, ctx) -> attempt.run(relay, serving, adapter, ctx));
            }
            exchange.servedBy(outcome.target());
            if (outcome instanceof FailoverOutcome.Failed<Void> failed && !relay.committed()) {
                throw failed.error();
            }
            Usage delivered = delivered(s, exchange, tally);
            switch (outcome) {
                case FailoverOutcome.Served<Void> served ->
                        relay.finish(delivered, () -> settle(exchange, tally, relay));
                case FailoverOutcome.Failed<Void> failed when failed.error() instanceof GatewayException e -> {
                    exchange.failed(e.error().status(), e.error().code());
                    settle(exchange, tally, relay);
                    relay.fail(e.error());
                }
                case FailoverOutcome.Failed<Void> failed -> throw failed.error(); // the client left
            }
        } finally {
            told(exchange, tally, relay); // for the pipeline's settlement, when the stream ended in a throw
        }
    }

    /** The stream is about to end: the exchange told what reached the client, and settled before the client sees it. */
    private static void settle(Exchange exchange, StreamTally tally, SseRelay relay) {
        told(exchange, tally, relay);
        exchange.settle();
    }

    private static void told(Exchange exchange, StreamTally tally, SseRelay relay) {
        exchange.ttftMillis = tally.ttftMillis();
        exchange.delivered = relay.answered();
    }

    /** What the stream delivered: the upstream's usage when it reported one, else our own count of the text. */
    private static Usage delivered(ApiServices s, Exchange exchange, StreamTally tally) {
        Usage reported = tally.reportedUsage();
        if (reported != null) {
            exchange.tokens(reported);
        } else {
            exchange.completionTokens = s.tokens().text(tally.completionText());
            exchange.estimated = true;
        }
        return exchange.usage();
    }
}
