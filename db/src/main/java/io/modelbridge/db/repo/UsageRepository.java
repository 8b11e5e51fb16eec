package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.USAGE_LOG;
import static io.modelbridge.db.jooq.Tables.USERS;

import io.modelbridge.db.jooq.tables.records.UsageLogRecord;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.AggregateFunction;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** The usage log: written in batches by the gateway, read by the admin API. */
public final class UsageRepository {
    private final DSLContext dsl;

    public UsageRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Inserts in one batch of one prepared statement with a set of bind values per row (rendered and parsed once,
     * not once per row); a request id already stored is skipped, so a retried flush never duplicates. Rows charged
     * to quota leases are written in one transaction that share-locks those leases first: a lease closing meanwhile
     * waits for the rows and charges them; rows for a lease that closed before (its holder was cut off, or a spill
     * file replayed) are charged here, once.
     */
    public void insert(List<UsageRecord> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Set<Long> leases = new TreeSet<>();
        rows.forEach(r -> {
            if (r.leaseId() != null) {
                leases.add(r.leaseId());
            }
        });
        if (leases.isEmpty()) {
            insert(dsl, rows);
            return;
        }
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            Map<Long, Long> closed = QuotaLeaseRepository.lockForUsage(t, leases);
            insert(t, rows);
            QuotaLeaseRepository.chargeLate(t, closed);
        });
    }

    private static void insert(DSLContext dsl, List<UsageRecord> rows) {
        BatchBindStep batch = dsl.batch(dsl.insertInto(USAGE_LOG, USAGE_LOG.REQUEST_ID, USAGE_LOG.CREATED_AT,
                        USAGE_LOG.USER_ID, USAGE_LOG.KEY_ID, USAGE_LOG.ALIAS, USAGE_LOG.CHANNEL, USAGE_LOG.PROVIDER,
                        USAGE_LOG.UPSTREAM_MODEL, USAGE_LOG.STREAM, USAGE_LOG.PROMPT_TOKENS,
                        USAGE_LOG.COMPLETION_TOKENS, USAGE_LOG.TOTAL_TOKENS, USAGE_LOG.ESTIMATED, USAGE_LOG.COST,
                        USAGE_LOG.LATENCY_MS, USAGE_LOG.TTFT_MS, USAGE_LOG.STATUS, USAGE_LOG.ERROR_CODE,
                        USAGE_LOG.CLIENT_REQUEST_ID, USAGE_LOG.LEASE_ID)
                .values((String) null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null, null, null)
                .onConflict(USAGE_LOG.REQUEST_ID).doNothing());
        for (UsageRecord u : rows) {
            batch = batch.bind(u.requestId(), Sql.at(u.at()), u.userId(), u.keyId(), u.alias(), u.channel(),
                    u.provider(), u.upstreamModel(), u.stream(), u.promptTokens(), u.completionTokens(),
                    u.promptTokens() + u.completionTokens(), u.estimated(), u.cost(), u.latencyMs(), u.ttftMs(),
                    u.status(), u.errorCode(), u.clientRequestId(), u.leaseId());
        }
        batch.execute();
    }

    /** The latest matching rows, newest first. */
    public List<UsageRecord> rows(UsageQuery query, int limit) {
        return dsl.selectFrom(USAGE_LOG).where(conditions(query))
                .orderBy(USAGE_LOG.CREATED_AT.desc(), USAGE_LOG.ID.desc()).limit(limit)
                .fetch(UsageRepository::map);
    }

    /** The totals of every matching row. */
    public UsageTotals totals(UsageQuery query) {
        return dsl.select(DSL.inline((String) null), count(), promptTokens(), completionTokens(), cost(), errors())
                .from(USAGE_LOG).where(conditions(query))
                .fetchOne(UsageRepository::totals);
    }

    /** Totals per group, the largest number of requests first. */
    public List<UsageTotals> grouped(UsageQuery query, UsageGrouping grouping) {
        Field<String> group = groupField(grouping);
        return dsl.select(group, count(), promptTokens(), completionTokens(), cost(), errors())
                .from(USAGE_LOG).leftJoin(USERS).on(USERS.ID.eq(USAGE_LOG.USER_ID))
                .where(conditions(query))
                .groupBy(group).orderBy(count().desc(), group)
                .fetch(UsageRepository::totals);
    }

    /** Totals per UTC day and alias, oldest day first: the series of a usage chart. */
    public List<DailyUsage> dailyByModel(UsageQuery query) {
        Field<LocalDate> day = DSL.field("({0} at time zone 'UTC')::date", LocalDate.class, USAGE_LOG.CREATED_AT);
        return dsl.select(day, USAGE_LOG.ALIAS, count(), promptTokens(), completionTokens())
                .from(USAGE_LOG).where(conditions(query))
                .groupBy(day, USAGE_LOG.ALIAS).orderBy(day, USAGE_LOG.ALIAS)
                .fetch(r -> new DailyUsage(r.value1(), r.value2(), r.value3(),
                        r.value4().longValue() + r.value5().longValue()));
    }

    private static Field<String> groupField(UsageGrouping grouping) {
        return switch (grouping) {
            case USER -> DSL.coalesce(USERS.NAME, USAGE_LOG.USER_ID.cast(SQLDataType.CLOB));
            case KEY -> USAGE_LOG.KEY_ID.cast(SQLDataType.CLOB);
            case MODEL -> USAGE_LOG.ALIAS;
            case CHANNEL -> USAGE_LOG.CHANNEL;
        };
    }

    private static List<Condition> conditions(UsageQuery q) {
        List<Condition> c = new ArrayList<>();
        if (q.userId() != null) {
            c.add(USAGE_LOG.USER_ID.eq(q.userId()));
        }
        if (q.keyId() != null) {
            c.add(USAGE_LOG.KEY_ID.eq(q.keyId()));
        }
        if (q.model() != null) {
            c.add(USAGE_LOG.ALIAS.eq(q.model()).or(USAGE_LOG.UPSTREAM_MODEL.eq(q.model())));
        }
        if (q.channel() != null) {
            c.add(USAGE_LOG.CHANNEL.eq(q.channel()));
        }
        if (q.since() != null) {
            c.add(USAGE_LOG.CREATED_AT.ge(Sql.at(q.since())));
        }
        if (q.until() != null) {
            c.add(USAGE_LOG.CREATED_AT.lt(Sql.at(q.until())));
        }
        return c;
    }

    private static AggregateFunction<Integer> count() {
        return DSL.count();
    }

    private static Field<BigDecimal> promptTokens() {
        return DSL.coalesce(DSL.sum(USAGE_LOG.PROMPT_TOKENS), BigDecimal.ZERO);
    }

    private static Field<BigDecimal> completionTokens() {
        return DSL.coalesce(DSL.sum(USAGE_LOG.COMPLETION_TOKENS), BigDecimal.ZERO);
    }

    private static Field<BigDecimal> cost() {
        return DSL.coalesce(DSL.sum(USAGE_LOG.COST), BigDecimal.ZERO);
    }

    private static Field<Integer> errors() {
        return DSL.count().filterWhere(USAGE_LOG.STATUS.ge(400));
    }

    private static UsageTotals totals(Record r) {
        return new UsageTotals(r.get(0, String.class), r.get(1, Long.class), r.get(2, Long.class),
                r.get(3, Long.class), r.get(4, BigDecimal.class), r.get(5, Long.class));
    }

    private static UsageRecord map(UsageLogRecord r) {
        return new UsageRecord(r.getRequestId(), Sql.instant(r.getCreatedAt()), r.getUserId(), r.getKeyId(),
                r.getAlias(), r.getChannel(), r.getProvider(), r.getUpstreamModel(), r.getStream(),
                r.getPromptTokens(), r.getCompletionTokens(), r.getEstimated(), r.getCost(), r.getLatencyMs(),
                r.getTtftMs(), r.getStatus(), r.getErrorCode(), r.getClientRequestId(), r.getLeaseId());
    }
}
