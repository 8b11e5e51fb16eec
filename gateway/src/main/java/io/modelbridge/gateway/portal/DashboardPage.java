package io.modelbridge.gateway.portal;

import io.modelbridge.db.repo.ApiKeyEntry;
import io.modelbridge.db.repo.DailyUsage;
import io.modelbridge.db.repo.UsageRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** A signed-in user's page: quota, keys, usage over the last 30 days and the latest requests. */
final class DashboardPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    /** Everything the page shows; {@code newKey} is a secret just created, shown this once. */
    record View(String email, BigDecimal quota, List<ApiKeyEntry> keys, Optional<String> newKey,
                List<LocalDate> days, List<DailyUsage> daily, List<UsageRecord> recent, String base, String model,
                String notice) {}

    private DashboardPage() {}

    static String render(View v, String csrf) {
        String newKey = v.newKey().map(secret -> """
                <section class="card new-key" id="new-key-card">
                <h2>Your new API key</h2>
                <p>Copy it now: it is shown only this once.</p>
                <pre><code id="new-key">%s</code></pre>
                %s
                </section>""".formatted(Html.text(secret), Snippets.html(v.base(), v.model(), secret))).orElse("");
        String content = """
                %s
                %s
                <section class="card">
                <h2>Quota</h2>
                <p>Remaining: <strong id="quota">%s</strong> credits</p>
                </section>
                %s
                <section class="card">
                <h2>Usage, last 30 days</h2>
                %s
                <h3>Requests per day</h3>
                %s
                <h3>Tokens per day</h3>
                %s
                %s
                </section>
                %s
                """.formatted(Layout.notice(v.notice(), false), newKey, Html.text(v.quota().stripTrailingZeros()
                .toPlainString()), keys(v, csrf), UsageChart.legend(v.daily()),
                UsageChart.svg("requests-chart", "requests", v.days(), v.daily(), DailyUsage::requests),
                UsageChart.svg("tokens-chart", "tokens", v.days(), v.daily(), DailyUsage::tokens), totals(v.daily()),
                recent(v.recent()));
        return Layout.page("Dashboard", Optional.of(v.email()), csrf, content);
    }

    private static String keys(View v, String csrf) {
        StringBuilder rows = new StringBuilder();
        for (ApiKeyEntry e : v.keys()) {
            boolean revoked = e.revokedAt() != null;
            String action = revoked ? "revoked " + when(e.revokedAt()) : """
                    <form method="post" action="/dashboard/keys/%d/revoke" class="inline">%s\
                    <button type="submit" class="danger" data-revoke="%d">Revoke</button></form>"""
                    .formatted(e.key().id(), Layout.csrfField(csrf), e.key().id());
            String label = revoked ? Html.text(e.key().label()) : """
                    <form method="post" action="/dashboard/keys/%d/label" class="inline">%s\
                    <input name="label" maxlength="100" value="%s" aria-label="label" class="label">\
                    <button type="submit" class="small" data-rename="%d">Rename</button></form>"""
                    .formatted(e.key().id(), Layout.csrfField(csrf), Html.text(e.key().label()), e.key().id());
            rows.append("<tr data-key=\"").append(e.key().id()).append("\"><td><code>")
                    .append(Html.text(e.key().prefix())).append("…</code></td><td>")
                    .append(label).append("</td><td>").append(when(e.key().createdAt()))
                    .append("</td><td>").append(e.key().lastUsedAt() == null ? "never" : when(e.key().lastUsedAt()))
                    .append("</td><td>").append(action).append("</td></tr>");
        }
        return """
                <section class="card">
                <h2>API keys</h2>
                <table id="keys"><thead><tr><th>Key</th><th>Label</th><th>Created</th><th>Last used</th><th></th></tr>
                </thead><tbody>%s</tbody></table>
                <form method="post" action="/dashboard/keys" class="row">%s
                <label for="label">Label</label>
                <input id="label" name="label" maxlength="100" placeholder="laptop">
                <button type="submit" id="create-key">Create a key</button>
                </form>
                </section>""".formatted(rows, Layout.csrfField(csrf));
    }

    private static String totals(List<DailyUsage> daily) {
        Map<String, long[]> byModel = new TreeMap<>();
        daily.forEach(d -> {
            long[] t = byModel.computeIfAbsent(d.alias() == null ? "(unrouted)" : d.alias(), k -> new long[2]);
            t[0] += d.requests();
            t[1] += d.tokens();
        });
        String rows = byModel.entrySet().stream().map(e -> "<tr><td>" + Html.text(e.getKey()) + "</td><td>"
                + e.getValue()[0] + "</td><td>" + e.getValue()[1] + "</td></tr>").collect(Collectors.joining());
        return "<table id=\"usage-totals\"><thead><tr><th>Model</th><th>Requests</th><th>Tokens</th></tr></thead>"
                + "<tbody>" + rows + "</tbody></table>";
    }

    private static String recent(List<UsageRecord> recent) {
        String rows = recent.stream().map(u -> "<tr><td>" + when(u.at()) + "</td><td>" + Html.text(u.alias())
                + "</td><td class=\"status-" + (u.status() < 400 ? "ok" : "error") + "\">" + u.status()
                + (u.errorCode() == null ? "" : " " + Html.text(u.errorCode())) + "</td><td>"
                + (u.promptTokens() + u.completionTokens()) + "</td><td>"
                + Html.text(u.cost().stripTrailingZeros().toPlainString()) + "</td></tr>")
                .collect(Collectors.joining());
        String body = recent.isEmpty() ? "<p id=\"no-requests\">No requests yet.</p>" : """
                <table id="recent"><thead><tr><th>Time</th><th>Model</th><th>Status</th><th>Tokens</th><th>Cost</th>
                </tr></thead><tbody>%s</tbody></table>""".formatted(rows);
        return "<section class=\"card\"><h2>Recent requests</h2>" + body + "</section>";
    }

    private static String when(Instant at) {
        return TIME.format(at);
    }
}
