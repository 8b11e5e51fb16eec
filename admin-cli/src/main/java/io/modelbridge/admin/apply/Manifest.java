package io.modelbridge.admin.apply;

import java.math.BigDecimal;
import java.util.List;

/**
 * An apply file: what the gateway should hold. A field left out (null) is left as the gateway has it; lists left
 * out are empty, and so is a left-out {@code portal} section. Names in the file are snake_case ({@code base_url}).
 */
record Manifest(List<User> users, List<Channel> channels, List<Alias> aliases, List<Limit> limits,
                List<Price> prices, List<Key> keys, Portal portal) {
    Manifest {
        users = users == null ? List.of() : List.copyOf(users);
        channels = channels == null ? List.of() : List.copyOf(channels);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        limits = limits == null ? List.of() : List.copyOf(limits);
        prices = prices == null ? List.of() : List.copyOf(prices);
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    /** {@code quota} is granted when the user is created; later changes go through {@code quota grant}. */
    record User(String name, String email, String role, BigDecimal quota, Boolean enabled) {}

    /** {@code responsesApi}: "native" (an openai upstream serving the Responses API itself) or "translate". */
    record Channel(String name, String provider, String credential, String baseUrl, List<String> models,
                   Integer priority, Integer weight, Boolean enabled, String responsesApi) {}

    record Alias(String name, String description, List<Target> targets) {}

    record Target(String channel, String model, Integer priority, Integer weight) {}

    /** {@code name}: the user's name, the key id or the model; none for {@code global}. */
    record Limit(String scope, String name, Integer rpm, Integer tpm) {}

    /** {@code cachedInput}: the price of prompt tokens read from the vendor's cache; left out, they cost the input price. */
    record Price(String model, BigDecimal input, BigDecimal cachedInput, BigDecimal output) {}

    /** A key is found again by its user and label, so the label is required. */
    record Key(String user, String label, List<String> models, Integer rpm, Integer tpm) {}

    /** The portal's settings; a field left out stays, an empty list clears it ({@code []}: any domain, all models). */
    record Portal(String registration, List<String> allowedDomains, BigDecimal freeQuota, Integer rpm, Integer tpm,
                  List<String> models) {}
}
