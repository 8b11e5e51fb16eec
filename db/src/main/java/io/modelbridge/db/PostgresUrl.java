package io.modelbridge.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * MB_DB_URL in either form PostgreSQL users meet: a JDBC URL ({@code jdbc:postgresql://host:5432/db?sslmode=require})
 * or a libpq one ({@code postgresql://user:pw@host/db?sslmode=require}, also {@code postgres://}), turned into the
 * JDBC URL the driver takes. The user and password (libpq's {@code user:pw@}, or a {@code user=}/{@code password=}
 * parameter in either form) come out of the URL, so that MB_DB_USER / MB_DB_PASSWORD, when set, win over them.
 *
 * @param jdbcUrl  the JDBC URL, without user or password
 * @param user     the user the URL names, if any
 * @param password the password the URL carries, if any
 * @param schema   the schema the tables live in: the URL's {@code currentSchema}, else {@value #DEFAULT_SCHEMA}
 */
public record PostgresUrl(String jdbcUrl, Optional<String> user, Optional<String> password, String schema) {
    public static final String DEFAULT_SCHEMA = "public";
    private static final String JDBC_PREFIX = "jdbc:postgresql:";
    private static final Pattern LIBPQ_PREFIX = Pattern.compile("^postgres(ql)?://", Pattern.CASE_INSENSITIVE);
    /** An unquoted PostgreSQL identifier: no quoting is ever needed where the schema name goes into SQL. */
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** libpq parameters whose JDBC driver property is spelled differently. */
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout");

    public PostgresUrl {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("the database schema (MB_DB_SCHEMA, or currentSchema in MB_DB_URL) must"
                    + " be one lower-case name of letters, digits and _, got '" + schema + "'");
        }
    }

    /** Reads MB_DB_URL; an error message never contains the password. */
    public static PostgresUrl parse(String url) {
        String text = url.strip();
        boolean jdbc = text.regionMatches(true, 0, JDBC_PREFIX, 0, JDBC_PREFIX.length());
        var libpq = LIBPQ_PREFIX.matcher(text);
        if (!jdbc && !libpq.find()) {
            throw new IllegalArgumentException("MB_DB_URL must start with jdbc:postgresql:, postgresql:// or"
                    + " postgres://, got '" + redact(text) + "'");
        }
        String rest = jdbc ? text.substring(JDBC_PREFIX.length()) : "//" + text.substring(libpq.end());
        int query = rest.indexOf('?');
        String location = query < 0 ? rest : rest.substring(0, query);
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (!jdbc) {
            int at = location.lastIndexOf('@');
            if (at >= 0) {
                String userInfo = location.substring(2, at);
                location = "//" + location.substring(at + 1);
                int colon = userInfo.indexOf(':');
                user = nonEmpty(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
                password = colon < 0 ? Optional.empty() : nonEmpty(decode(userInfo.substring(colon + 1)));
            }
            if (location.equals("//") || location.startsWith("///") || location.startsWith("//:")) {
                location = "//localhost" + location.substring(2); // libpq's default host; JDBC needs one
            }
        }
        List<String> kept = new ArrayList<>();
        String schema = DEFAULT_SCHEMA;
        for (String param : query < 0 ? new String[0] : rest.substring(query + 1).split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            String value = eq < 0 ? "" : param.substring(eq + 1);
            switch (name) {
                case "user" -> user = nonEmpty(decode(value));
                case "password" -> password = nonEmpty(decode(value));
                default -> {
                    if (name.equals("currentSchema")) {
                        schema = decode(value);
                    }
                    kept.add((jdbc ? name : LIBPQ_TO_JDBC.getOrDefault(name, name)) + (eq < 0 ? "" : "=" + value));
                }
            }
        }
        String jdbcUrl = JDBC_PREFIX + location + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new PostgresUrl(jdbcUrl, user, password, schema);
    }

    /** With the tables in {@code name} (MB_DB_SCHEMA), which must agree with the URL's currentSchema if it has one. */
    public PostgresUrl withSchema(String name) {
        if (jdbcUrl.contains("currentSchema=")) {
            if (!name.equals(schema)) {
                throw new IllegalArgumentException("MB_DB_SCHEMA (" + name + ") and the currentSchema of MB_DB_URL ("
                        + schema + ") disagree; set one of them");
            }
            return this;
        }
        return new PostgresUrl(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema=" + name, user, password,
                name);
    }

    /** The schema a JDBC URL names in its currentSchema parameter, else {@value #DEFAULT_SCHEMA}. */
    public static String schemaOf(String jdbcUrl) {
        return parse(jdbcUrl).schema();
    }

    /** The URL without its query string or user info, where passwords hide. */
    public static String redact(String url) {
        return url.replaceFirst("\\?.*$", "").replaceFirst("//.*@", "//");
    }

    private static Optional<String> nonEmpty(String value) {
        return Optional.of(value).filter(v -> !v.isEmpty());
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) { // its message would quote the value, maybe a password
            throw new IllegalArgumentException("MB_DB_URL has a malformed %-escape");
        }
    }

    @Override
    public String toString() { // never the password
        return "PostgresUrl[" + redact(jdbcUrl) + ", user=" + user.orElse("-") + ", schema=" + schema + "]";
    }
}
