package io.modelbridge.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "30d", "12h", "15m", "90s", "2w" durations, and instants given as ISO-8601 or as such a duration ago. */
final class Durations {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})([smhdw])");
    /** The instants the admin API takes: what a PostgreSQL timestamp holds and a person means. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Durations() {}

    static Duration parse(String text, String param) {
        Matcher m = SHORT.matcher(text.strip());
        if (!m.matches()) {
            throw FieldValidation.invalid("'" + param + "' must be a duration such as 90s, 15m, 12h, 30d or 2w.",
                    param);
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
        if (d.isZero()) {
            throw FieldValidation.invalid("'" + param + "' must be longer than 0.", param);
        }
        return d;
    }

    static Instant instant(String text, String param) {
        try {
            return inRange(Instant.parse(text.strip()), param);
        } catch (DateTimeParseException e) {
            throw FieldValidation.invalid("'" + param + "' must be an ISO-8601 instant such as 2030-01-31T00:00:00Z.",
                    param);
        }
    }

    /** An ISO-8601 instant, or a duration meaning that long before {@code now}. */
    static Instant instantOrAgo(String text, Instant now, String param) {
        if (SHORT.matcher(text.strip()).matches()) {
            return inRange(now.minus(parse(text, param)), param);
        }
        try {
            return inRange(Instant.parse(text.strip()), param);
        } catch (DateTimeParseException e) {
            throw FieldValidation.invalid(
                    "'" + param + "' must be an ISO-8601 instant or a duration such as 24h or 7d.", param);
        }
    }

    private static Instant inRange(Instant at, String param) {
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw FieldValidation.invalid("'" + param + "' must fall between " + EARLIEST + " and " + LATEST + ".",
                    param);
        }
        return at;
    }

    /** The expiry a body asks for with {@code expires_at} (a time) or {@code expires_in} (e.g. "30d"), if any. */
    static Optional<Instant> expiry(JsonBody body, Instant now) {
        if (body.hasValue("expires_at") && body.hasValue("expires_in")) {
            throw FieldValidation.invalid("Give either 'expires_at' or 'expires_in', not both.", "expires_in");
        }
        Optional<Instant> at = body.text("expires_at").map(t -> instant(t, "expires_at"))
                .or(() -> body.text("expires_in").map(t -> inRange(now.plus(parse(t, "expires_in")), "expires_in")));
        if (at.isPresent() && !at.get().isAfter(now)) {
            throw FieldValidation.invalid("'expires_at' must be in the future.", "expires_at");
        }
        return at;
    }
}
