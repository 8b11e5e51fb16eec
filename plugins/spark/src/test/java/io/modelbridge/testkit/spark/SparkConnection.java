package io.modelbridge.testkit.spark;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import io.modelbridge.testkit.RecordedRequest;
import io.modelbridge.testkit.SimulatorKnobs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection to a chat endpoint, as Spark serves it: the upgrade was checked by {@link SparkAuth} (in
 * {@link SparkSimulator}'s HTTP filter), the first text message is the request frame, and
 * the answer is sent frame by frame from its own thread, so a client closing mid-answer is seen at once.
 */
final class SparkConnection implements WsListener {
    private final SparkEndpoint endpoint;
    private final SparkSimulator.Shared shared;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean clientClosed;
    private String rawQuery = "";
    private String appId = "";
    private Map<String, List<String>> headers = Map.of();

    SparkConnection(SparkEndpoint endpoint, SparkSimulator.Shared shared) {
        this.endpoint = endpoint;
        this.shared = shared;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers upgrade) throws WsUpgradeException {
        rawQuery = prologue.query().rawValue();
        String host = upgrade.first(HeaderNames.HOST).orElse("");
        // SparkSimulator's HTTP filter has answered refusals already; this is the last line of defence.
        Optional<SparkAuth.Refusal> refusal = shared.auth().check(prologue.uriPath().rawPath(), rawQuery, host);
        if (refusal.isPresent()) {
            throw new WsUpgradeException(refusal.get().message());
        }
        appId = SparkAuth.apiKeyOf(rawQuery).map(shared.appIdsByKey()::get).orElse("");
        headers = lowerCase(upgrade);
        return Optional.empty();
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        partial.append(text);
        if (!last) {
            return;
        }
        String frame = partial.toString();
        partial.setLength(0);
        if (requested.compareAndSet(false, true)) { // one request per connection; later messages are ignored
            Thread.ofVirtual().name("spark-sim-answer").start(() -> answer(session, frame));
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        clientGone();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        clientGone();
    }

    private void answer(WsSession session, String text) {
        SimulatorKnobs knobs = shared.knobs();
        JsonNode frame = parse(text);
        shared.record(new RecordedRequest("GET", endpoint.path(), rawQuery, headers, text, frame));
        Optional<SimulatorKnobs.ScriptedError> scripted = knobs.takeError();
        SparkPlan plan = scripted.isPresent()
                ? SparkPlan.refuse(Integer.parseInt(scripted.get().code()), scripted.get().message())
                : frame == null ? SparkPlan.refuse(10003, "InvalidRequest: the request frame is not JSON")
                : SparkPlan.of(frame, endpoint, appId, knobs.replyText().orElse(null), knobs.wordsPerChunk());
        String sid = SparkWire.sid();
        if (plan.refusal().isPresent()) {
            finish(session, SparkWire.error(plan.refusal().get().code(), plan.refusal().get().message(), sid));
            return;
        }
        knobs.hangIfConfigured();
        List<String> frames = frames(plan, sid);
        for (int i = 0; i < frames.size(); i++) {
            knobs.pauseBeforeEvent();
            if (clientClosed) {
                return;
            }
            if (i == knobs.errorEventAfter()) {
                finish(session, SparkWire.error(shared.spark().midStreamCode(), shared.spark().midStreamMessage(), sid));
                return;
            }
            if (i == knobs.dropAfterEvents()) {
                done.set(true);
                session.terminate();
                return;
            }
            if (!send(session, frames.get(i))) {
                return;
            }
        }
        done.set(true);
        session.close(1000, "");
    }

    /** Content frames 0, 1…, 2; a lone chunk is followed by an empty last frame; a function call is one frame. */
    private static List<String> frames(SparkPlan plan, String sid) {
        List<String> frames = new ArrayList<>();
        if (plan.call() != null) {
            frames.add(SparkWire.functionCall(sid, 2, 0, plan.call().name(), plan.call().arguments(), plan.usage()));
            return frames;
        }
        List<String> chunks = new ArrayList<>(plan.chunks());
        if (chunks.size() == 1) {
            chunks.add("");
        }
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = i == chunks.size() - 1;
            frames.add(SparkWire.text(sid, i == 0 ? 0 : last ? 2 : 1, i, chunks.get(i), last ? plan.usage() : null));
        }
        return frames;
    }

    private void finish(WsSession session, String frame) {
        if (send(session, frame)) {
            done.set(true);
            session.close(1000, "");
        }
    }

    private boolean send(WsSession session, String frame) {
        try {
            session.send(frame, true);
            return true;
        } catch (RuntimeException e) {
            clientGone();
            return false;
        }
    }

    /** The client left before the last frame: that stream was cancelled (counted once). */
    private void clientGone() {
        clientClosed = true;
        if (requested.get() && done.compareAndSet(false, true)) {
            shared.knobs().streamCancelled();
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = SparkWire.JSON.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static Map<String, List<String>> lowerCase(Headers headers) {
        Map<String, List<String>> all = new HashMap<>();
        headers.forEach(h -> all.computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(h.allValues()));
        return all;
    }
}
