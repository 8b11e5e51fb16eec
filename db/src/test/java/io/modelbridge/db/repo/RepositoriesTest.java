package io.modelbridge.db.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.TestDb;
import io.modelbridge.db.jooq.Tables;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RepositoriesTest {
    private final DSLContext dsl = TestDb.shared().dsl();
    private final UserRepository users = new UserRepository(dsl);
    private final ApiKeyRepository keys = new ApiKeyRepository(dsl);
    private final ChannelRepository channels = new ChannelRepository(dsl);
    private final AliasRepository aliases = new AliasRepository(dsl);

    @BeforeEach
    void reset() {
        TestDb.reset(dsl);
    }

    @Test
    void usersCreateFindUpdateDelete() {
        User alice = users.create("alice", null, "user", true);
        assertEquals(0, alice.quotaBalance().signum());
        assertThrows(IntegrityConstraintViolationException.class, () -> users.create("alice", null, "user", true));
        assertThrows(IntegrityConstraintViolationException.class, () -> users.create("bob", null, "root", true));
        assertTrue(users.update(alice.id(), "a@x.io", "admin", false));
        User updated = users.find("alice").orElseThrow();
        assertEquals("admin", updated.role());
        assertFalse(updated.enabled());
        assertTrue(users.delete("alice"));
        assertTrue(users.find("alice").isEmpty());
    }

    @Test
    void keysAreFoundByHashWithTheirUserAndRevokedKeysReadAsDisabled() {
        long userId = users.create("alice", null, "user", true).id();
        byte[] hash = new byte[32];
        hash[0] = 7;
        Instant expires = Instant.parse("2030-01-01T00:00:00Z");
        ApiKeyEntry created = keys.create(new NewApiKey(userId, "mb-abc", hash, "ci", List.of("gpt-4o"),
                List.of("10.0.0.0/8"), expires, 60, null));
        ApiKey found = keys.findByHash(hash).orElseThrow();
        assertEquals(created.key(), found);
        assertEquals("alice", found.userName());
        assertEquals(List.of("gpt-4o"), found.allowedModels());
        assertEquals(expires, found.expiresAt());
        assertTrue(found.enabled());
        assertNull(found.tpm());

        Instant used = Instant.now().truncatedTo(ChronoUnit.MICROS);
        keys.touchLastUsed(Map.of(found.id(), used));
        assertEquals(used, keys.find(found.id()).orElseThrow().key().lastUsedAt());

        assertTrue(keys.revoke(found.id(), used));
        assertFalse(keys.revoke(found.id(), used));
        ApiKeyEntry revoked = keys.find(found.id()).orElseThrow();
        assertFalse(revoked.key().enabled());
        assertTrue(revoked.keyEnabled());
        assertEquals(used, revoked.revokedAt());
        assertFalse(keys.findByHash(hash).orElseThrow().enabled());

        users.delete("alice");
        assertTrue(keys.findByHash(hash).isEmpty(), "keys go with their user");
    }

    @Test
    void keySettingsAreReplaced() {
        long userId = users.create("alice", null, "user", true).id();
        long id = keys.create(new NewApiKey(userId, "mb-x", new byte[] {1}, null, List.of(), List.of(), null,
                null, null)).key().id();
        assertTrue(keys.update(id, new KeySettings("new", List.of("m"), List.of(), null, false, 1, 2)));
        ApiKey k = keys.find(id).orElseThrow().key();
        assertEquals("new", k.label());
        assertFalse(k.enabled());
        assertEquals(2, k.tpm());
        assertEquals(1, keys.listForUser(userId).size());
        assertTrue(keys.delete(id));
        assertFalse(keys.update(id, new KeySettings(null, List.of(), List.of(), null, true, null, null)));
    }

    @Test
    void channelsKeepSealedBytesAndExtras() {
        Channel c = channels.create(channel("east", new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, c.credentialSealed());
        assertEquals(Map.of("region", "us"), c.extras());
        assertEquals(10_000, c.connectTimeoutMs());
        assertThrows(IntegrityConstraintViolationException.class, () -> channels.create(channel("east", null)));
        assertTrue(channels.update(c.id(), channel("east", null)));
        assertNull(channels.find("east").orElseThrow().credentialSealed());
        assertEquals(List.of("east"), channels.list().stream().map(Channel::name).toList());
    }

    @Test
    void aliasTargetsNameTheirChannelAndAreReplacedWhole() {
        channels.create(channel("a", null));
        channels.create(channel("b", null));
        aliases.put("smart", "d", List.of(new AliasTarget("b", "gpt-4o", 1, 1), new AliasTarget("a", null, 0, 5)));
        Alias smart = aliases.find("smart").orElseThrow();
        assertEquals(List.of(new AliasTarget("a", null, 0, 5), new AliasTarget("b", "gpt-4o", 1, 1)), smart.targets());
        aliases.put("smart", "other", List.of(new AliasTarget("b", null, 0, 1)));
        assertEquals(1, aliases.list().get(0).targets().size());
        assertEquals("other", aliases.list().get(0).description());
        assertThrows(IllegalArgumentException.class,
                () -> aliases.put("x", null, List.of(new AliasTarget("nope", null, 0, 1))));
        channels.delete("b");
        assertEquals(List.of(), aliases.find("smart").orElseThrow().targets());
        assertTrue(aliases.delete("smart"));
    }

    @Test
    void limitsAndPricesAreUpserted() {
        LimitRepository limits = new LimitRepository(dsl);
        limits.put(new RateLimit("global", "", 100, null));
        limits.put(new RateLimit("global", "", 200, 5000));
        assertEquals(List.of(new RateLimit("global", "", 200, 5000)), limits.list());
        assertTrue(limits.delete("global", ""));
        PriceRepository prices = new PriceRepository(dsl);
        prices.put(new ModelPrice("gpt", new BigDecimal("0.5"), new BigDecimal("1.5")));
        prices.put(new ModelPrice("gpt", new BigDecimal("0.25"), new BigDecimal("1.5")));
        assertEquals(0, new BigDecimal("0.25").compareTo(prices.list().get(0).inputPer1k()));
        assertTrue(prices.delete("gpt"));
    }

    @Test
    void quotaPostsUpdateTheBalanceAndTheLedgerTogether() {
        QuotaRepository quota = new QuotaRepository(dsl);
        long id = users.create("alice", null, "user", true).id();
        quota.post(id, "grant", new BigDecimal("10"), null, "welcome");
        LedgerEntry last = quota.post(id, "adjust", new BigDecimal("-2.5"), "req-1", null).orElseThrow();
        assertEquals(0, new BigDecimal("7.5").compareTo(last.balanceAfter()));
        assertEquals(0, new BigDecimal("7.5").compareTo(users.find("alice").orElseThrow().quotaBalance()));
        assertEquals(List.of("adjust", "grant"), quota.recent(id, 10).stream().map(LedgerEntry::kind).toList());
        assertTrue(quota.post(999, "grant", BigDecimal.ONE, null, null).isEmpty());
    }

    @Test
    void usageInsertIsIdempotentAndAggregates() {
        UsageRepository usage = new UsageRepository(dsl);
        long alice = users.create("alice", null, "user", true).id();
        Instant now = Instant.now();
        List<UsageRow> rows = List.of(usage("r1", now, alice, "gpt", 200), usage("r2", now, alice, "gpt", 502),
                usage("r3", now.minusSeconds(7200), null, "glm", 200));
        usage.insert(rows);
        usage.insert(rows); // a retried flush
        assertEquals(3, dsl.fetchCount(Tables.USAGE_LOG));
        UsageTotals all = usage.totals(UsageQuery.all());
        assertEquals(3, all.requests());
        assertEquals(30, all.promptTokens());
        assertEquals(1, all.errors());
        UsageQuery lastHour = new UsageQuery(null, null, null, null, now.minusSeconds(3600), null);
        assertEquals(2, usage.rows(lastHour, 10).size());
        List<UsageTotals> byUser = usage.grouped(UsageQuery.all(), UsageGrouping.USER);
        assertEquals("alice", byUser.get(0).group());
        assertEquals(2, byUser.get(0).requests());
        assertNull(byUser.get(1).group());
        assertEquals(1, usage.grouped(new UsageQuery(null, null, "glm", null, null, null), UsageGrouping.MODEL).size());
        List<DailyUsage> daily = usage.dailyByModel(UsageQuery.all());
        assertEquals(3, daily.stream().mapToLong(DailyUsage::requests).sum());
        DailyUsage gpt = daily.stream().filter(d -> "gpt".equals(d.alias())).findFirst().orElseThrow();
        assertEquals(2, gpt.requests());
        assertEquals(now.atZone(java.time.ZoneOffset.UTC).toLocalDate(), gpt.day());
    }

    @Test
    void auditRowsAreListedNewestFirst() {
        AuditRepository audit = new AuditRepository(dsl);
        audit.record(Instant.now(), "admin", "create", "user", "a", "{\"x\":1}");
        audit.record(Instant.now(), "admin", "delete", "user", "a", "{}");
        List<AuditEntry> recent = audit.recent(10);
        assertEquals("delete", recent.get(0).action());
        assertEquals("{\"x\": 1}", recent.get(1).detailJson());
    }

    private static ChannelSpec channel(String name, byte[] sealed) {
        return new ChannelSpec(name, "openai", "", sealed, List.of("gpt-4o"), 0, 1, true, 10_000, 120_000,
                Map.of("region", "us"));
    }

    private static UsageRow usage(String id, Instant at, Long user, String alias, int status) {
        return new UsageRow(id, at, user, null, alias, "east", "openai", alias, false, 10, 5, false,
                new BigDecimal("0.01"), 100, null, status, status >= 400 ? "upstream_error" : null, null, null);
    }
}
