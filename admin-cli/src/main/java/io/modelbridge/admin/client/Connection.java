package io.modelbridge.admin.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the admin API is and the token for it. The server comes from {@code --server}, else MB_SERVER, else
 * 127.0.0.1 on MB_ADMIN_PORT (8081); the token from {@code --token}, else MB_ADMIN_TOKEN, else the gateway's token
 * file in MB_DATA_DIR (./data), so on the gateway's own machine no flag is needed.
 *
 * @param tokenSource where the token came from, for error messages (never the token itself)
 */
public record Connection(URI server, Optional<String> token, String tokenSource) {
    public static final String TOKEN_FILE = "admin-token";

    /** @throws IllegalArgumentException when the server address is not usable */
    public static Connection resolve(Optional<String> serverOption, Optional<String> tokenOption,
                                     Map<String, String> env) {
        URI server = server(serverOption.or(() -> nonBlank(env.get("MB_SERVER")))
                .orElse("127.0.0.1:" + nonBlank(env.get("MB_ADMIN_PORT")).orElse("8081")));
        if (tokenOption.isPresent()) {
            return new Connection(server, tokenOption, "--token");
        }
        Optional<String> fromEnv = nonBlank(env.get("MB_ADMIN_TOKEN"));
        if (fromEnv.isPresent()) {
            return new Connection(server, fromEnv, "MB_ADMIN_TOKEN");
        }
        Path file = Path.of(nonBlank(env.get("MB_DATA_DIR")).orElse("data")).resolve(TOKEN_FILE);
        return new Connection(server, readToken(file), file.toString());
    }

    /** {@code host:port}, for the prompt and messages. */
    public String display() {
        return server.getAuthority();
    }

    static URI server(String text) {
        String value = text.strip();
        if (!value.contains("://")) {
            value = "http://" + value;
        }
        try {
            URI uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getPath() == null || uri.getPath().isEmpty())) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid server address '" + text
                + "': give host:port or http(s)://host:port, e.g. 127.0.0.1:8081.");
    }

    private static Optional<String> readToken(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return nonBlank(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin token file " + file, e);
        }
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() { // never the token
        return "Connection[" + server + ", token from " + tokenSource + "]";
    }
}
