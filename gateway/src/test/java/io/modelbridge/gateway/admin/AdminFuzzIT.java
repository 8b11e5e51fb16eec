package io.modelbridge.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.gateway.it.RunningGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin endpoint of docs/admin-api.md, over a real socket against a real database, with hostile values in
 * each body field (top level and inside alias targets), path parameter and query parameter: NUL and other control
 * characters, overlong strings, huge, negative, NaN and 1e999999999 numbers, far dates and durations, wrong JSON
 * types. Not one answer may be a 5xx, and every refusal has OpenAI's error shape. Deterministic: the same
 * requests in the same order (seed 11) every run, about 6,000 of them.
 */
class AdminFuzzIT {
    private static final long SEED = 11;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    @TempDir
    static Path dataDir;
    static RunningGateway gateway;
    static long keyId;

    /** An endpoint with a valid body; {@code fields} are JSON pointers into it that the fuzz replaces. */
    record Endpoint(String method, String path, String body, List<String> fields) {}

    static final List<Endpoint> BODIES = List.of(
            new Endpoint("POST", "/users", "{\"name\":\"fz-new\",\"email\":\"a@example.com\",\"role\":\"user\","
                    + "\"enabled\":true,\"quota\":1}", List.of("/name", "/email", "/role", "/enabled", "/quota")),
            new Endpoint("PATCH", "/users/fz-user", "{\"email\":\"b@example.com\",\"role\":\"user\",\"enabled\":true}",
                    List.of("/email", "/role", "/enabled")),
            new Endpoint("POST", "/users/fz-user/quota/grant", "{\"credits\":1,\"note\":\"n\"}",
                    List.of("/credits", "/note")),
            new Endpoint("POST", "/keys", "{\"user\":\"fz-user\",\"label\":\"l\",\"models\":[\"m\"],"
                    + "\"cidrs\":[\"10.0.0.0/8\"],\"rpm\":1,\"tpm\":1}", List.of("/user", "/label", "/models",
                    "/models/0", "/cidrs", "/cidrs/0", "/expires_at", "/expires_in", "/rpm", "/tpm")),
            new Endpoint("PATCH", "/keys/{key}", "{\"label\":\"l\",\"rpm\":1}", List.of("/label", "/models", "/cidrs",
                    "/expires_at", "/expires_in", "/enabled", "/rpm", "/tpm")),
            new Endpoint("POST", "/channels", "{\"name\":\"fz-new\",\"provider\":\"openai\",\"credential\":"
                    + "\"sk-fuzz-credential\",\"base_url\":\"http://127.0.0.1:9\",\"models\":[\"m\"],\"priority\":0,"
                    + "\"weight\":1,\"enabled\":true,\"connect_timeout_ms\":100,\"read_timeout_ms\":100,"
                    + "\"extras\":{\"a\":\"b\"}}", List.of("/name", "/provider", "/credential", "/base_url", "/models",
                    "/models/0", "/priority", "/weight", "/enabled", "/connect_timeout_ms", "/read_timeout_ms",
                    "/extras", "/extras/a")),
            new Endpoint("PATCH", "/channels/fz-chan", "{\"enabled\":true}", List.of("/provider", "/credential",
                    "/base_url", "/models", "/priority", "/weight", "/enabled", "/connect_timeout_ms",
                    "/read_timeout_ms", "/extras")),
            new Endpoint("POST", "/channels/fz-test/test", "{\"model\":\"m\"}", List.of("/model")),
            new Endpoint("POST", "/channels/fz-chan/credential/check", "{\"credential\":\"sk-fuzz-credential\"}",
                    List.of("/credential")),
            new Endpoint("PUT", "/aliases/fz-alias", "{\"description\":\"d\",\"targets\":[{\"channel\":\"fz-chan\","
                    + "\"model\":\"m\",\"priority\":0,\"weight\":1}]}", List.of("/description", "/targets",
                    "/targets/0", "/targets/0/channel", "/targets/0/model", "/targets/0/priority",
                    "/targets/0/weight")),
            new Endpoint("PUT", "/limits", "{\"scope\":\"user\",\"subject\":\"fz-user\",\"rpm\":100000}",
                    List.of("/scope", "/subject", "/rpm", "/tpm")),
            new Endpoint("PUT", "/prices/fz-model", "{\"input_per_1k\":0.001,\"output_per_1k\":0.002}",
                    List.of("/input_per_1k", "/output_per_1k")),
            new Endpoint("PATCH", "/portal", "{\"registration\":\"open\"}", List.of("/registration",
                    "/allowed_domains", "/allowed_domains/0", "/free_quota", "/rpm", "/tpm", "/models")),
            new Endpoint("POST", "/portal/invites", "{\"uses\":1,\"expires_in\":\"7d\"}",
                    List.of("/uses", "/expires_in", "/expires_at")));

    /** Endpoints whose path parameter is fuzzed; {} marks it. Deletions and reloads only ever see hostile ids. */
    static final List<String> PATHS = List.of("GET /users/{}", "PATCH /users/{}", "DELETE /users/{}",
            "GET /users/{}/quota", "POST /users/{}/quota/grant", "GET /keys/{}", "PATCH /keys/{}",
            "POST /keys/{}/revoke", "DELETE /keys/{}", "GET /channels/{}", "PATCH /channels/{}",
            "DELETE /channels/{}", "POST /channels/{}/test", "POST /channels/{}/credential/check",
            "PUT /aliases/{}", "GET /aliases/{}", "DELETE /aliases/{}", "PUT /prices/{}", "DELETE /prices/{}",
            "POST /plugins/{}/reload", "DELETE /portal/invites/{}");

    /** Endpoints whose query parameters are fuzzed. */
    static final List<String> QUERIES = List.of("/usage?user=", "/usage?key=", "/usage?model=", "/usage?channel=",
            "/usage?since=", "/usage?until=", "/usage?by=", "/usage?limit=", "/usage?by=model&since=",
            "/keys?user=", "/audit?limit=", "/users/fz-user/quota?limit=", "/limits?scope=user&subject=",
            "/limits?scope=");

    static final List<String> HOSTILE_JSON = List.of(
            "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u001b]0;pwned\\u0007\"", "\"\\u001b[2J\"", "\"\\r\\n\\t\"",
            "\"\\u007f\\u0085\"", "\"\"", "\" \"", "\"\\ud800\"", "\"\\u202e\"", "\"" + "x".repeat(10_000) + "\"",
            "\"1e999999999\"", "\"-1e999999999\"", "\"-1\"", "\"0\"", "\"NaN\"", "\"Infinity\"",
            "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"",
            "\"9999-12-31T23:59:59Z\"", "\"2026-02-30T00:00:00Z\"", "\"1970-01-01T00:00:00Z\"", "\"999999w\"",
            "\"999999d\"", "\"0s\"", "\"example.com\"", "\"example.com:8080\"", "\"http://\"", "\"file:///etc/passwd\"",
            "\"http://u:p@example.com\"", "\"ws://[::1\"", "\"../../x\"", "\"%00\"", "\"' or 1=1 --\"",
            "\"10.0.0.0/99\"", "\"999.1.1.1/8\"", "\"::/-1\"", "\"a@\"", "\"@\"",
            "0", "-1", "1", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e999999999",
            "-1e999999999", "1e-999999999", "0.0000001", "1.5", "-0", "99999999999999999999999", "1E+400", "NaN",
            "Infinity", "true", "null", "[]", "{}", "[null]", "[\"\\u0000\"]", "[1]", "[\"\"]", "[[]]", "[{}]",
            "{\"a\":\"\\u0000\"}", "{\"\\u0000\":\"x\"}", "{\"a\":{}}", "{\"a\":[]}");

    static final List<String> HOSTILE_TEXT = List.of("%00", "a%00b", "%1B%5B2J", "%1B%5D0%3Bx%07", "%7F", "%C2%85",
            "%E2%80%AE", "%FF", "%2E%2E", "..", "x".repeat(2_000), "-1", "0", "99999999999999999999",
            "1e999999999", "NaN", "%20", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "999999w",
            "0000-01-01T00:00:00Z", "%27%20or%201%3D1");

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(dataDir);
        gateway.admin("POST", "/users", "{\"name\":\"fz-user\"}");
        keyId = gateway.admin("POST", "/keys", "{\"user\":\"fz-user\"}").path("id").asLong();
        for (String channel : List.of("fz-chan", "fz-test")) {
            gateway.admin("POST", "/channels", "{\"name\":\"" + channel + "\",\"provider\":\"openai\",\"credential\":"
                    + "\"sk-fuzz-credential\",\"base_url\":\"http://127.0.0.1:9\",\"models\":[\"m\"],"
                    + "\"connect_timeout_ms\":200,\"read_timeout_ms\":200}");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void noHostileValueOnAnyAdminEndpointGetsA5xxAndEveryRefusalIsShapedLikeOpenAis() {
        List<String[]> requests = new ArrayList<>();
        for (Endpoint e : BODIES) {
            for (String field : e.fields()) {
                for (String value : HOSTILE_JSON) {
                    requests.add(new String[] {e.method(), path(e.path()), with(e.body(), List.of(field),
                            List.of(value))});
                }
            }
        }
        Random random = new Random(SEED);
        for (int i = 0; i < 500; i++) { // two fields at once
            Endpoint e = BODIES.get(random.nextInt(BODIES.size()));
            List<String> fields = List.of(e.fields().get(random.nextInt(e.fields().size())),
                    e.fields().get(random.nextInt(e.fields().size())));
            List<String> values = List.of(HOSTILE_JSON.get(random.nextInt(HOSTILE_JSON.size())),
                    HOSTILE_JSON.get(random.nextInt(HOSTILE_JSON.size())));
            requests.add(new String[] {e.method(), path(e.path()), with(e.body(), fields, values)});
        }
        for (String route : PATHS) {
            String[] parts = route.split(" ");
            for (String value : HOSTILE_TEXT) {
                requests.add(new String[] {parts[0], parts[1].replace("{}", value), "{}"});
            }
        }
        for (String query : QUERIES) {
            for (String value : HOSTILE_TEXT) {
                requests.add(new String[] {"GET", query + value, null});
            }
        }
        for (String body : List.of("", "[]", "null", "1e999999999", "\"x\"", "{", "{\"a\":", "\u0000", "{}{}")) {
            requests.add(new String[] {"POST", "/users", body});
            requests.add(new String[] {"PUT", "/limits", body});
        }
        Collections.shuffle(requests, random);

        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        for (String[] r : requests) {
            check(r[0], r[1], r[2]).ifPresent(failures::add);
        }
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        System.out.println("Admin fuzz: " + requests.size() + " requests in " + seconds + " s, " + failures.size()
                + " failures");
        assertTrue(failures.isEmpty(), failures.size() + " of " + requests.size() + " answers were wrong, e.g.:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
        assertEquals(200, send("GET", "/users/fz-user", null).statusCode(), "the admin API still works");
    }

    @Test
    void theFindingsOfTheReviewAre400sNamingTheField() {
        String balance = gateway.admin("GET", "/users/fz-user/quota", null).path("balance").asText();
        for (String credits : List.of("\"1e999999999\"", "1e999999999", "-1e999999999", "1E+400")) {
            assertRefused("POST", "/users/fz-user/quota/grant", "{\"credits\":" + credits + "}", "credits");
        }
        assertEquals(balance, gateway.admin("GET", "/users/fz-user/quota", null).path("balance").asText(),
                "nothing was recorded");
        assertRefused("POST", "/keys", "{\"user\":\"fz-user\",\"label\":\"lap\\u0000top\"}", "label");
        assertRefused("PATCH", "/channels/fz-chan", "{\"base_url\":\"api.example.com/v1\"}", "base_url");
        assertRefused("POST", "/keys", "{\"user\":\"fz-user\",\"expires_at\":\"+999999999-12-31T23:59:59Z\"}",
                "expires_at");
        assertRefused("GET", "/usage?since=999999w", null, "since");
        assertRefused("GET", "/users/a%00b", null, "name");
    }

    private static void assertRefused(String method, String path, String body, String param) {
        HttpResponse<String> res = send(method, path, body);
        assertEquals(400, res.statusCode(), method + " " + path + " " + body + ": " + res.body());
        try {
            assertEquals(param, RunningGateway.JSON.readTree(res.body()).path("error").path("param").asText(),
                    res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String path(String template) {
        return template.replace("{key}", String.valueOf(keyId));
    }

    /** The body with the value at each pointer (added when absent) replaced by the raw JSON value. */
    private static String with(String body, List<String> pointers, List<String> values) {
        try {
            JsonNode root = RunningGateway.JSON.readTree(body);
            for (int i = 0; i < pointers.size(); i++) {
                String pointer = pointers.get(i);
                int slash = pointer.lastIndexOf('/');
                JsonNode parent = root.at(pointer.substring(0, slash));
                String last = pointer.substring(slash + 1);
                if (parent instanceof ObjectNode object) {
                    object.put(last, placeholder(i));
                } else if (parent instanceof ArrayNode array && last.matches("\\d+")
                        && Integer.parseInt(last) < array.size()) {
                    array.set(Integer.parseInt(last), array.textNode(placeholder(i)));
                } // else an earlier replacement took the parent away: that one stands
            }
            String text = RunningGateway.JSON.writeValueAsString(root);
            for (int i = 0; i < values.size(); i++) {
                text = text.replace("\"" + placeholder(i) + "\"", values.get(i));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String placeholder(int i) {
        return "@@hostile" + i + "@@";
    }

    /** What is wrong with the answer, if anything. */
    private static java.util.Optional<String> check(String method, String path, String body) {
        HttpResponse<String> res;
        try {
            res = send(method, path, body);
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty(); // not a URI the client can send: no request
        }
        String what = method + " " + abbreviated(path) + " " + abbreviated(String.valueOf(body)) + " -> "
                + res.statusCode() + " " + abbreviated(res.body());
        if (res.statusCode() >= 500) {
            return java.util.Optional.of(what);
        }
        if (res.statusCode() >= 400) {
            try {
                JsonNode error = RunningGateway.JSON.readTree(res.body()).path("error");
                if (!error.path("message").isTextual() || !error.path("type").isTextual() || !error.has("param")
                        || !error.has("code")) {
                    return java.util.Optional.of("not OpenAI's error shape: " + what);
                }
            } catch (IOException e) {
                return java.util.Optional.of("not JSON: " + what);
            }
        }
        return java.util.Optional.empty();
    }

    private static HttpResponse<String> send(String method, String path, String body) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(gateway.admin() + "/admin/v1" + path))
                .header("Authorization", "Bearer " + RunningGateway.ADMIN_TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + abbreviated(path), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviated(String text) {
        String shown = text.replaceAll("[\\x00-\\x1f]", "?");
        return shown.length() <= 160 ? shown : shown.substring(0, 150) + "…(" + shown.length() + ")";
    }
}
