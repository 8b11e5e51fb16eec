package io.modelbridge.gateway.control;

import static io.modelbridge.gateway.it.RunningGateway.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.RunningGateway;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Admin set-up and load helpers shared by the control-plane ITs. */
final class Setup {
    private Setup() {}

    /**
     * A channel of provider openai on the simulator. On the shared gateway it may exist already, from the first run of
     * a class surefire reruns after a failure: then it is pointed at this simulator instead.
     */
    static void channel(RunningGateway gw, String name, OpenAiSimulator sim, int readTimeoutMs) {
        channel(gw, name, JSON.createObjectNode().put("credential", sim.apiKey())
                .put("base_url", sim.baseUri().toString()).put("read_timeout_ms", readTimeoutMs));
    }

    /** A channel of provider openai with {@code settings}; one left by a first run is updated to them instead. */
    static void channel(RunningGateway gw, String name, ObjectNode settings) {
        if (gw.adminCall("GET", "/channels/" + name, null).statusCode() == 200) {
            gw.admin("PATCH", "/channels/" + name, settings);
        } else {
            gw.admin("POST", "/channels", settings.put("name", name).put("provider", "openai"));
        }
    }

    /**
     * A new user with {@code credits} of quota, and a key of theirs. A test method surefire reruns finds the user of
     * its first run on the shared gateway: that one is deleted first, with its keys and ledger (its usage rows stay,
     * under the old user's id, so the new user's usage starts empty).
     */
    static String userWithQuota(RunningGateway gw, String name, BigDecimal credits) {
        return newUserKey(gw, name, credits).get("key").asText();
    }

    /** As {@link #userWithQuota}, but the admin API's whole answer for the key: its id and its secret. */
    static JsonNode newUserKey(RunningGateway gw, String name, BigDecimal credits) {
        if (gw.adminCall("GET", "/users/" + name, null).statusCode() == 200) {
            gw.admin("DELETE", "/users/" + name, null);
        }
        gw.admin("POST", "/users", JSON.createObjectNode().put("name", name).put("quota", credits));
        return gw.admin("POST", "/keys", JSON.createObjectNode().put("user", name));
    }

    /** {@code targets}: channel, priority, weight, repeated; every target asks for upstream model gpt-4o. */
    static void alias(RunningGateway gw, String alias, Object... targets) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("targets");
        for (int i = 0; i < targets.length; i += 3) {
            list.addObject().put("channel", (String) targets[i]).put("model", "gpt-4o")
                    .put("priority", (Integer) targets[i + 1]).put("weight", (Integer) targets[i + 2]);
        }
        gw.admin("PUT", "/aliases/" + alias, body);
    }

    static JsonNode channelView(RunningGateway gw, String name) {
        return gw.admin("GET", "/channels/" + name, null);
    }

    static String header(HttpResponse<?> res, String name) {
        return res.headers().firstValue(name).orElse(null);
    }

    /** Runs the calls at once on virtual threads and returns their results in order. */
    static <T> List<T> concurrently(List<Callable<T>> calls) throws Exception {
        return concurrently(calls, Executors.newVirtualThreadPerTaskExecutor());
    }

    /** Runs the calls on {@code parallelism} threads and returns their results in order. */
    static <T> List<T> concurrently(List<Callable<T>> calls, int parallelism) throws Exception {
        return concurrently(calls, Executors.newFixedThreadPool(parallelism));
    }

    /** Bounded: a call still running after a minute is interrupted and the test fails. */
    private static <T> List<T> concurrently(List<Callable<T>> calls, ExecutorService pool) throws Exception {
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> call : calls) {
                futures.add(pool.submit(call));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
