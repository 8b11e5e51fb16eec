package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4 and of OpenMetrics 1.0 text: every line is a comment or a
 * sample, every sample belongs to the family of the TYPE line before it, label values are unescaped, values parse.
 * Anything else throws, so a test using it also checks the exposition is well formed.
 */
public final class PrometheusExposition {
    public record Sample(String name, Map<String, String> labels, double value) {}

    public record Family(String name, String type, List<Sample> samples) {
        /** The samples named exactly {@code sampleName} (e.g. {@code x_bucket}). */
        public List<Sample> named(String sampleName) {
            return samples.stream().filter(s -> s.name().equals(sampleName)).toList();
        }
    }

    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
            + "(counter|gauge|histogram|summary|untyped|unknown|info|stateset|gaugehistogram)");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)( \\S+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final Set<String> SUFFIXES = Set.of("", "_total", "_bucket", "_sum", "_count", "_info", "_created");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PrometheusExposition() {}

    /** GET /metrics on the admin listener at {@code admin}, with {@code accept} when not null; asserts a 200. */
    public static HttpResponse<String> scrape(URI admin, String accept) {
        HttpRequest.Builder req = HttpRequest.newBuilder(admin.resolve("/metrics"));
        if (accept != null) {
            req.header("Accept", accept);
        }
        try {
            HttpResponse<String> res = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            return res;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Families by name as in their TYPE line. */
    public static Map<String, Family> parse(String text, boolean openMetrics) {
        Map<String, Family> families = new LinkedHashMap<>();
        Family current = null;
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() && !openMetrics) {
                continue;
            }
            if (line.equals("# EOF")) {
                if (!openMetrics || i != lines.size() - 1) {
                    throw new IllegalArgumentException("# EOF not as the last line of OpenMetrics");
                }
                return families;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# UNIT ")) {
                continue;
            }
            Matcher type = TYPE.matcher(line);
            if (type.matches()) {
                current = new Family(type.group(1), type.group(2), new ArrayList<>());
                if (families.put(current.name(), current) != null) {
                    throw new IllegalArgumentException("family twice: " + line);
                }
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches() || current == null) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not a sample of a typed family: " + line);
            }
            String name = sample.group(1);
            if (!name.startsWith(current.name()) || !SUFFIXES.contains(name.substring(current.name().length()))) {
                throw new IllegalArgumentException("sample " + name + " under family " + current.name());
            }
            current.samples().add(new Sample(name, labels(sample.group(3), line), value(sample.group(4))));
        }
        if (openMetrics) {
            throw new IllegalArgumentException("OpenMetrics without # EOF");
        }
        return families;
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (m.lookingAt()) {
            String value = unescape(m.group(2));
            if (labels.put(m.group(1), value) != null) {
                throw new IllegalArgumentException("label twice: " + line);
            }
            at = m.end();
            m.region(at, text.length());
        }
        if (at != text.length()) {
            throw new IllegalArgumentException("bad labels: " + line);
        }
        return labels;
    }

    private static String unescape(String escaped) {
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '\\') {
                char next = escaped.charAt(++i);
                out.append(next == 'n' ? '\n' : next);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
