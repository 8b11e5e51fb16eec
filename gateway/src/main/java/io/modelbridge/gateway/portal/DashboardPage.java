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

    static String render(Messages t, View v, String csrf) {
        String newKey = v.newKey().map(secret -> """
                <section class="card new-key" id="new-key-card">
                <h2>%s</h2>
                <p>%s</p>
                <pre><code id="new-key">%s</code></pre>
                %s
                </section>""".formatted(Html.text(t.newKeyTitle()), Html.text(t.copyNow()), Html.text(secret),
                Snippets.html(t, v.base(), v.model(), secret))).orElse("");
        String content = """
                %s
                %s
                <section class="card">
                <h2>%s</h2>
                <p>%s</p>
                </section>
                %s
                <section class="card">
                <h2>%s</h2>
                %s
                <h3>%s</h3>
                %s
                <h3>%s</h3>
                %s
                %s
                </section>
                %s
                """.formatted(Layout.notice(v.notice(), false), newKey, Html.text(t.quota()),
                Html.fill(t.remaining(), "<strong id=\"quota\">" + Html.text(v.quota().stripTrailingZeros()
                        .toPlainString()) + "</strong>"), keys(t, v, csrf), Html.text(t.usageTitle(v.days().size())),
                UsageChart.legend(t, v.daily()), Html.text(t.requestsPerDay()),
                UsageChart.svg(t, "requests-chart", t.requestsPerDay(), t.requestsUnit(), v.days(), v.daily(),
                        DailyUsage::requests), Html.text(t.tokensPerDay()),
                UsageChart.svg(t, "tokens-chart", t.tokensPerDay(), t.tokensUnit(), v.days(), v.daily(),
                        DailyUsage::tokens), totals(t, v.daily()), recent(t, v.recent()));
        return Layout.page(t, t.dashboard(), "/dashboard", Optional.of(v.email()), csrf, content);
    }

    private static String keys(Messages t, View v, String csrf) {
        StringBuilder rows = new StringBuilder();
        for (ApiKeyEntry e : v.keys()) {
            boolean revoked = e.revokedAt() != null;
            String action = revoked ? Html.text(t.revokedAt(when(e.revokedAt()))) : """
                    <form method="post" action="/dashboard/keys/%d/revoke" class="inline">%s\
                    <button type="submit" class="danger" data-revoke="%d">%s</button></form>"""
                    .formatted(e.key().id(), Layout.csrfField(csrf), e.key().id(), Html.text(t.revoke()));
            String label = revoked ? Html.text(e.key().label()) : """
                    <form method="post" action="/dashboard/keys/%d/label" class="inline">%s\
                    <input name="label" maxlength="100" value="%s" aria-label="%s" class="label">\
                    <button type="submit" class="small" data-rename="%d">%s</button></form>"""
                    .formatted(e.key().id(), Layout.csrfField(csrf), Html.text(e.key().label()),
                            Html.text(t.label()), e.key().id(), Html.text(t.rename()));
            rows.append("<tr data-key=\"").append(e.key().id()).append("\"><td><code>")
                    .append(Html.text(e.key().prefix())).append("…</code></td><td>")
                    .append(label).append("</td><td>").append(when(e.key().createdAt()))
                    .append("</td><td>").append(e.key().lastUsedAt() == null ? Html.text(t.never()) : when(e.key().lastUsedAt()))
                    .append("</td><td>").append(action).append("</td></tr>");
        }
        return """
                <section class="card">
                <h2>%s</h2>
                <table id="keys"><thead><tr>%s<th></th></tr>
                </thead><tbody>%s</tbody></table>
                <form method="post" action="/dashboard/keys" class="row">%s
                <label for="label">%s</label>
                <input id="label" name="label" maxlength="100" placeholder="%s">
                <button type="submit" id="create-key">%s</button>
                </form>
                </section>""".formatted(Html.text(t.apiKeys()), heads(t.key(), t.label(), t.created(), t.lastUsed()),
                rows, Layout.csrfField(csrf), Html.text(t.label()), Html.text(t.labelExample()),
                Html.text(t.createKey()));
    }

    private static String totals(Messages t, List<DailyUsage> daily) {
        Map<String, long[]> byModel = new TreeMap<>();
        daily.forEach(d -> {
            long[] sum = byModel.computeIfAbsent(UsageChart.name(t, d), k -> new long[2]);
            sum[0] += d.requests();
            sum[1] += d.tokens();
        });
        String rows = byModel.entrySet().stream().map(e -> "<tr><td>" + Html.text(e.getKey()) + "</td><td>"
                + e.getValue()[0] + "</td><td>" + e.getValue()[1] + "</td></tr>").collect(Collectors.joining());
        return "<table id=\"usage-totals\"><thead><tr>" + heads(t.model(), t.requests(), t.tokens())
                + "</tr></thead><tbody>" + rows + "</tbody></table>";
    }

    private static String recent(Messages t, List<UsageRecord> recent) {
        String rows = recent.stream().map(u -> "<tr><td>" + when(u.at()) + "</td><td>" + Html.text(u.alias())
                + "</td><td class=\"status-" + (u.status() < 400 ? "ok" : "error") + "\">" + u.status()
                + (u.errorCode() == null ? "" : " " + Html.text(u.errorCode())) + "</td><td>"
                + (u.promptTokens() + u.completionTokens()) + "</td><td>"
                + Html.text(u.cost().stripTrailingZeros().toPlainString()) + "</td></tr>")
                .collect(Collectors.joining());
        String body = recent.isEmpty() ? "<p id=\"no-requests\">" + Html.text(t.noRequests()) + "</p>" : """
                <table id="recent"><thead><tr>%s
                </tr></thead><tbody>%s</tbody></table>""".formatted(heads(t.time(), t.model(), t.status(),
                t.tokens(), t.cost()), rows);
        return "<section class=\"card\"><h2>" + Html.text(t.recentRequests()) + "</h2>" + body + "</section>";
    }

    /** Table heading cells. */
    private static String heads(String... names) {
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            out.append("<th>").append(Html.text(name)).append("</th>");
        }
        return out.toString();
    }

    private static String when(Instant at) {
        return TIME.format(at);
    }
}
