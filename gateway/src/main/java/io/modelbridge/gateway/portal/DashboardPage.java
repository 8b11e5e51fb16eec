package io.modelbridge.gateway.portal;

import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.ApiKeyEntry;
import io.modelbridge.db.repo.DailyUsage;
import io.modelbridge.db.repo.UsageRow;
import io.modelbridge.gateway.http.ResponseProfile;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A signed-in user's page (dashboard.jte): quota, keys, usage over the last 30 days and the latest requests. */
final class DashboardPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** Everything the page shows; {@code newKey} is a secret just created, shown this once. */
    record View(String email, BigDecimal quota, List<ApiKeyEntry> keys, Optional<String> newKey,
                List<LocalDate> days, List<DailyUsage> daily, List<UsageRow> recent, String base, String model,
                String notice) {}

    private DashboardPage() {}

    static String render(Language t, View v, String csrf) {
        return Templates.render("dashboard", "t", t, "v", v, "csrf", csrf);
    }

    static String when(Instant at) {
        return TIME.format(at);
    }

    /** A request's tokens, with the parts read from the vendor's cache and spent on reasoning when there were any. */
    static String tokens(Language t, UsageRow u) {
        return tokens(t, (long) u.promptTokens() + u.completionTokens(),
                u.cachedPromptTokens() == null ? 0 : u.cachedPromptTokens(),
                u.reasoningTokens() == null ? 0 : u.reasoningTokens());
    }

    /** A model's tokens over the chart's days, with their cached and reasoning parts as {@link #tokens(Language, UsageRow)}. */
    static String tokens(Language t, UsageChart.Total total) {
        return tokens(t, total.tokens(), total.cachedPromptTokens(), total.reasoningTokens());
    }

    private static String tokens(Language t, long all, long cached, long reasoning) {
        List<String> parts = new ArrayList<>();
        if (cached > 0) {
            parts.add(t.text("cachedTokens", cached));
        }
        if (reasoning > 0) {
            parts.add(t.text("reasoningTokens", reasoning));
        }
        return parts.isEmpty() ? String.valueOf(all) : all + " (" + String.join(", ", parts) + ")";
    }

    /** The choices of a key's response profile: the operator's default, or one of its own. */
    static final List<String> PROFILES = List.of("default", "full", "classic");

    /** The key's choice among {@link #PROFILES}. */
    static String profile(ApiKey key) {
        return key.responseProfile() == null ? "default" : key.responseProfile();
    }

    /** The name of one of {@link #PROFILES} in the visitor's language. */
    static String profileText(Language t, String profile) {
        return switch (profile) {
            case "full" -> t.text("profileFull");
            case "classic" -> t.text("profileClassic");
            default -> t.text("profileDefault");
        };
    }

    /** A posted choice: empty when it is none of {@link #PROFILES}; else the profile, or empty inside for default. */
    static Optional<Optional<ResponseProfile>> chosenProfile(String choice) {
        return "default".equals(choice) ? Optional.of(Optional.empty()) : ResponseProfile.parse(choice).map(Optional::of);
    }
}
