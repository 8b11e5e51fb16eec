package io.modelbridge.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Serves the requests of one keep-alive connection of the fake upstream. */
final class UpstreamExchange {
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([A-Za-z0-9._:/-]{1,100})\"");
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    private static final Pattern INCLUDE_USAGE = Pattern.compile("\"include_usage\"\\s*:\\s*true");
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private final Socket socket;
    private final FakeUpstream.Settings settings;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(1024);

    UpstreamExchange(Socket socket, FakeUpstream.Settings settings) {
        this.socket = socket;
        this.settings = settings;
    }

    void serve() {
        try (socket) {
            HttpInput in = new HttpInput(socket.getInputStream(), 4096);
            OutputStream out = socket.getOutputStream();
            for (HttpHead head = HttpHead.read(in); head != null; head = HttpHead.read(in)) {
                body.reset();
                HttpBody.read(in, head, (bytes, offset, length, nanos) -> body.write(bytes, offset, length), false);
                respond(head, body.toString(StandardCharsets.UTF_8), out);
                if (head.closes()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away (or sent garbage): this connection is done
        }
    }

    private void respond(HttpHead head, String text, OutputStream out) throws IOException, InterruptedException {
        String start = head.startLine();
        if (start.startsWith("GET /healthz ")) {
            out.write(UpstreamReplies.plain(200, "text/plain", "ok"));
        } else if (!start.startsWith("POST /v1/chat/completions ")) {
            out.write(UpstreamReplies.error(404, "Unknown request URL: " + start, "invalid_request_error", "unknown_url"));
        } else if (!("Bearer " + settings.key()).equals(head.header("authorization"))) {
            out.write(UpstreamReplies.error(401, "Incorrect API key provided.", "invalid_request_error",
                    "invalid_api_key"));
        } else {
            Matcher model = MODEL.matcher(text);
            String name = model.find() ? model.group(1) : "unknown";
            if (STREAM.matcher(text).find()) {
                stream(name, INCLUDE_USAGE.matcher(text).find(), out);
            } else {
                out.write(UpstreamReplies.completion(name));
            }
        }
    }

    private void stream(String model, boolean includeUsage, OutputStream out) throws IOException, InterruptedException {
        boolean slow = model.endsWith("-slow");
        int chunks = slow ? settings.slowChunks() : settings.chunks();
        Duration interval = slow ? settings.slowInterval() : settings.chunkInterval();
        out.write(UpstreamReplies.streamHead());
        for (int i = 0; i < chunks; i++) {
            if (i > 0) {
                Thread.sleep(interval);
            }
            out.write(UpstreamReplies.event(UpstreamReplies.contentChunk(model, i)));
        }
        out.write(UpstreamReplies.event(UpstreamReplies.finishChunk(model)));
        if (includeUsage) {
            out.write(UpstreamReplies.event(UpstreamReplies.usageChunk(model, chunks)));
        }
        out.write(UpstreamReplies.event("[DONE]"));
        out.write(LAST_CHUNK);
    }
}
