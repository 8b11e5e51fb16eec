package io.modelbridge.db.repo;

import java.math.BigDecimal;
import java.util.List;

/**
 * How the self-service portal admits newcomers and what each gets: {@code registration} is "open", "closed" or
 * "invite"; empty {@code allowedDomains} admits every domain; {@code freeQuota} credits are granted on
 * confirmation; {@code rpm}/{@code tpm} (null: none) become the new user's own limits; {@code models} are the
 * aliases the new user's keys may call (empty: all).
 */
public record PortalSettings(String registration, List<String> allowedDomains, BigDecimal freeQuota, Integer rpm,
                             Integer tpm, List<String> models) {
    public PortalSettings {
        allowedDomains = List.copyOf(allowedDomains);
        models = List.copyOf(models);
    }
}
