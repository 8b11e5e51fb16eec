package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.USAGE_LOG;
import static io.modelbridge.db.jooq.Tables.USERS;

import io.modelbridge.db.jooq.tables.records.UsageLogRecord;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jooq.AggregateFunction;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/** The usage log: written in batches by the gateway, read by the admin API. */
public final class UsageRepository {
    /** A request id already stored is skipped: a retried batch never duplicates a row. */
    private static final String INSERT = "insert into \"usage_log\" (request_id, created_at, user_id, key_id, alias, "
            + "channel, provider, upstream_model, stream, prompt_tokens, completion_tokens, total_tokens, estimated, "
            + "cost, latency_ms, ttft_ms, status, error_code, client_request_id, lease_id, cached_prompt_tokens, "
            + "reasoning_tokens, dialect) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "on conflict (request_id) do nothing";
    private static final String UNIQUE_VIOLATION = "23505";
    private final DSLContext dsl;

    public UsageRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Writes the rows with one COPY; a request id already stored (a batch written before whose acknowledgement was
     * lost, then replayed from the spill file) makes it fail with a unique violation, and the batch is then written
     * again row by row, skipping the ids already stored, so a retried flush never duplicates. Rows charged to quota
     * leases are written in one transaction that share-locks those leases first: a lease closing meanwhile waits for
     * the rows and charges them; rows for a lease that closed before (its holder was cut off, or a spill file
     * replayed) are charged here, once.
     */
    public void insert(List<UsageRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            write(rows, UsageCopy::write);
        } catch (DataAccessException e) {
            if (!UNIQUE_VIOLATION.equals(e.sqlState())) {
                throw e;
            }
            write(rows, UsageRepository::insertSkippingStored);
        }
    }

    private interface RowWriter {
        void write(Connection c, List<UsageRow> rows) throws SQLException;
    }

    private void write(List<UsageRow> rows, RowWriter writer) {
        Set<Long> leases = new TreeSet<>();
        rows.forEach(r -> {
            if (r.leaseId() != null) {
                leases.add(r.leaseId());
            }
        });
        if (leases.isEmpty()) {
            dsl.connection(c -> writer.write(c, rows));
            return;
        }
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            Map<Long, Long> closed = QuotaLeaseRepository.lockForUsage(t, leases);
            t.connection(c -> writer.write(c, rows));
            QuotaLeaseRepository.chargeLate(t, closed);
        });
    }

    /**
     * One plain JDBC batch over one prepared statement, skipping request ids already stored: the fallback when a
     * COPY met one. The SQL names no schema, like the rest of the raw SQL: the connection's currentSchema resolves it.
     */
    private static void insertSkippingStored(Connection c, List<UsageRow> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(INSERT)) {
            for (UsageRow u : rows) {
                s.setString(1, u.requestId());
                s.setObject(2, Sql.at(u.at()));
                s.setObject(3, u.userId(), Types.BIGINT);
                s.setObject(4, u.keyId(), Types.BIGINT);
                s.setString(5, u.alias());
                s.setString(6, u.channel());
                s.setString(7, u.provider());
                s.setString(8, u.upstreamModel());
                s.setBoolean(9, u.stream());
                s.setInt(10, u.promptTokens());
                s.setInt(11, u.completionTokens());
                s.setInt(12, u.promptTokens() + u.completionTokens());
                s.setBoolean(13, u.estimated());
                s.setBigDecimal(14, u.cost());
                s.setInt(15, u.latencyMs());
                s.setObject(16, u.ttftMs(), Types.INTEGER);
                s.setInt(17, u.status());
                s.setString(18, u.errorCode());
                s.setString(19, u.clientRequestId());
                s.setObject(20, u.leaseId(), Types.BIGINT);
                s.setObject(21, u.cachedPromptTokens(), Types.INTEGER);
                s.setObject(22, u.reasoningTokens(), Types.INTEGER);
                s.setString(23, u.dialect());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** The latest matching rows, newest first. */
    public List<UsageRow> rows(UsageQuery query, int limit) {
        return dsl.selectFrom(USAGE_LOG).where(conditions(query))
                .orderBy(USAGE_LOG.CREATED_AT.desc(), USAGE_LOG.REQUEST_ID.desc()).limit(limit)
                .fetch(UsageRepository::map);
    }

    /** The totals of every matching row. */
    public UsageTotals totals(UsageQuery query) {
        return dsl.select(DSL.inline((String) null), count(), promptTokens(), completionTokens(), cachedPromptTokens(),
                        reasoningTokens(), cost(), errors())
                .from(USAGE_LOG).where(conditions(query))
                .fetchOne(UsageRepository::totals);
    }

    /** Totals per group, the largest number of requests first. */
    public List<UsageTotals> grouped(UsageQuery query, UsageGrouping grouping) {
        Field<String> group = groupField(grouping);
        return dsl.select(group, count(), promptTokens(), completionTokens(), cachedPromptTokens(), reasoningTokens(),
                        cost(), errors())
                .from(USAGE_LOG).leftJoin(USERS).on(USERS.ID.eq(USAGE_LOG.USER_ID))
                .where(conditions(query))
                .groupBy(group).orderBy(count().desc(), group)
                .fetch(UsageRepository::totals);
    }

    /** Totals per UTC day and alias, oldest day first: the series of a usage chart. */
    public List<DailyUsage> dailyByModel(UsageQuery query) {
        Field<LocalDate> day = DSL.field("({0} at time zone 'UTC')::date", LocalDate.class, USAGE_LOG.CREATED_AT);
        return dsl.select(day, USAGE_LOG.ALIAS, count(), promptTokens(), completionTokens(), cachedPromptTokens(),
                        reasoningTokens())
                .from(USAGE_LOG).where(conditions(query))
                .groupBy(day, USAGE_LOG.ALIAS).orderBy(day, USAGE_LOG.ALIAS)
                .fetch(r -> new DailyUsage(r.value1(), r.value2(), r.value3(),
                        r.value4().longValue() + r.value5().longValue(), r.value6().longValue(), r.value7().longValue()));
    }

    private static Field<String> groupField(UsageGrouping grouping) {
        return switch (grouping) {
            case USER -> DSL.coalesce(USERS.NAME, USAGE_LOG.USER_ID.cast(SQLDataType.CLOB));
            case KEY -> USAGE_LOG.KEY_ID.cast(SQLDataType.CLOB);
            case MODEL -> USAGE_LOG.ALIAS;
            case CHANNEL -> USAGE_LOG.CHANNEL;
            case DIALECT -> USAGE_LOG.DIALECT;
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

    private static Field<BigDecimal> cachedPromptTokens() {
        return DSL.coalesce(DSL.sum(USAGE_LOG.CACHED_PROMPT_TOKENS), BigDecimal.ZERO);
    }

    private static Field<BigDecimal> reasoningTokens() {
        return DSL.coalesce(DSL.sum(USAGE_LOG.REASONING_TOKENS), BigDecimal.ZERO);
    }

    private static Field<BigDecimal> cost() {
        return DSL.coalesce(DSL.sum(USAGE_LOG.COST), BigDecimal.ZERO);
    }

    private static Field<Integer> errors() {
        return DSL.count().filterWhere(USAGE_LOG.STATUS.ge(400));
    }

    private static UsageTotals totals(Record r) {
        return new UsageTotals(r.get(0, String.class), r.get(1, Long.class), r.get(2, Long.class),
                r.get(3, Long.class), r.get(4, Long.class), r.get(5, Long.class), r.get(6, BigDecimal.class),
                r.get(7, Long.class));
    }

    private static UsageRow map(UsageLogRecord r) {
        return new UsageRow(r.getRequestId(), Sql.instant(r.getCreatedAt()), r.getUserId(), r.getKeyId(),
                r.getAlias(), r.getChannel(), r.getProvider(), r.getUpstreamModel(), r.getStream(),
                r.getPromptTokens(), r.getCompletionTokens(), r.getCachedPromptTokens(), r.getReasoningTokens(),
                r.getEstimated(), r.getCost(), r.getLatencyMs(),
                r.getTtftMs(), r.getStatus(), r.getErrorCode(), r.getClientRequestId(), r.getLeaseId(), r.getDialect());
    }
}
