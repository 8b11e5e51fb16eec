package io.modelbridge.gateway.admin;

import io.modelbridge.gateway.auth.AddressRange;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/** Validation of request fields, shared by the admin handlers: each returns the value or throws a 400 naming it. */
final class FieldValidation {
    /** Names of users, channels, aliases: safe in URLs, logs and CLI arguments. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}");

    private FieldValidation() {}

    static String name(String value, String param) {
        if (!NAME.matcher(value).matches() || value.contains("/")) {
            throw invalid("'" + param + "' must be 1-128 characters: letters, digits and . _ : @ -,"
                    + " starting with a letter or digit.", param);
        }
        return value;
    }

    /** Model names may contain a slash (e.g. "meta/llama-3"). */
    static String model(String value, String param) {
        if (!NAME.matcher(value).matches()) {
            throw invalid("'" + param + "' must be 1-128 characters: letters, digits and . _ : @ / -.", param);
        }
        return value;
    }

    /** The largest amount of credits a numeric(20,6) column holds. */
    static final BigDecimal MAX_CREDITS = new BigDecimal("99999999999999");

    /** An amount of credits (a price, a quota): 0 to {@link #MAX_CREDITS}, at most 6 decimals. */
    static BigDecimal credits(BigDecimal value, String param) {
        if (value.signum() < 0 || value.compareTo(MAX_CREDITS) > 0 || value.stripTrailingZeros().scale() > 6) {
            throw invalid("'" + param + "' must be between 0 and " + MAX_CREDITS + " with at most 6 decimals.", param);
        }
        return value;
    }

    static int positive(int value, String param) {
        if (value <= 0) {
            throw invalid("'" + param + "' must be greater than 0.", param);
        }
        return value;
    }

    static int nonNegative(int value, String param) {
        if (value < 0) {
            throw invalid("'" + param + "' must not be negative.", param);
        }
        return value;
    }

    static String oneOf(String value, String param, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw invalid("'" + param + "' must be one of: " + String.join(", ", allowed) + ".", param);
    }

    /** Allowed client addresses of an API key, each parsed as the key authenticator will match it. */
    static List<String> cidrs(List<String> cidrs, String param) {
        for (String cidr : cidrs) {
            try {
                AddressRange.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw invalid("'" + param + "' has '" + cidr
                        + "', which is not an IP address or CIDR block such as 10.0.0.0/8.", param);
            }
        }
        return cidrs;
    }

    static GatewayException invalid(String message, String param) {
        return new GatewayException(ApiError.invalidValue(message, param));
    }

    static GatewayException notFound(String what, String name) {
        return new GatewayException(ApiError.notFound("not_found", "No " + what + " named '" + name + "'."));
    }
}
