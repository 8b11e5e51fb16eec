package io.modelbridge.gateway.responses;

import static io.modelbridge.db.jooq.Tables.STORED_RESPONSES;
import static io.modelbridge.db.jooq.Tables.STORED_RESPONSE_ITEMS;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;

import io.modelbridge.db.jooq.tables.StoredResponseItems;
import io.modelbridge.db.jooq.tables.StoredResponses;
import io.modelbridge.db.jooq.tables.records.StoredResponsesRecord;
import io.modelbridge.gateway.config.ResponsesConfig;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.gateway.pipeline.RequestContext;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStep3;
import org.jooq.Record2;
import org.jooq.Record4;
import org.jooq.impl.SQLDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ResponseStore} in the {@code stored_responses} table. Ownership and retention are conditions of every
 * statement, so another user's or an expired row is never read, chained or deleted; the sweep removes expired rows.
 */
public final class PostgresResponseStore implements ResponseStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresResponseStore.class);
    private static final StoredResponses R = STORED_RESPONSES;
    private static final StoredResponseItems I = STORED_RESPONSE_ITEMS;
    /** Rows one sweep statement deletes, and statements per sweep: a sweep holds the database briefly. */
    static final int SWEEP_BATCH = 500;
    static final int SWEEP_BATCHES = 20;
    /** The most one {@link #sweep()} deletes. */
    public static final int SWEEP_LIMIT = SWEEP_BATCH * SWEEP_BATCHES;
    private final DSLContext dsl;
    private final ResponsesConfig config;
    private final Clock clock;

    public PostgresResponseStore(DSLContext dsl, ResponsesConfig config, Clock clock) {
        this.dsl = dsl;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public boolean save(StoredResponse response) {
        if (!config.storing()) {
            return false;
        }
        long bytes = utf8Length(response.inputItemsJson()) + utf8Length(response.responseJson());
        if (bytes > config.maxBytes()) {
            LOG.warn("Response {} (user {}) not stored: its input and response are {} bytes, over"
                    + " MB_RESPONSES_MAX_BYTES ({}); reading or continuing it will answer 404", response.id(),
                    response.userId(), bytes, config.maxBytes());
            return false;
        }
        Instant now = clock.instant();
        Set<String> itemIds = StoredItemIds.of(response);
        dsl.transaction(tx -> {
            tx.dsl().insertInto(R)
                    .set(R.ID, response.id())
                    .set(R.USER_ID, response.userId())
                    .set(R.KEY_ID, response.keyId())
                    .set(R.MODEL, response.model())
                    .set(R.PREVIOUS_RESPONSE_ID, response.previousResponseId())
                    .set(R.INPUT_ITEMS, response.inputItemsJson())
                    .set(R.RESPONSE, response.responseJson())
                    .set(R.BYTES, (int) bytes)
                    .set(R.CREATED_AT, at(response.createdAt() != null ? response.createdAt() : now))
                    .set(R.EXPIRES_AT, at(now.plus(config.retention())))
                    .execute();
            if (!itemIds.isEmpty()) { // past PostgreSQL's 65,535 bind values jOOQ inlines them (tested)
                InsertValuesStep3<?, Long, String, String> items = tx.dsl()
                        .insertInto(I, I.USER_ID, I.ITEM_ID, I.RESPONSE_ID);
                for (String item : itemIds) {
                    items = items.values(response.userId(), item, response.id());
                }
                items.onConflict(I.USER_ID, I.ITEM_ID).doUpdate().set(I.RESPONSE_ID, excluded(I.RESPONSE_ID)).execute();
            }
        });
        return true;
    }

    @Override
    public Optional<StoredResponse> find(String id, long userId) {
        return dsl.selectFrom(R).where(R.ID.eq(id), owned(userId)).fetchOptional(PostgresResponseStore::stored);
    }

    @Override
    public boolean delete(String id, long userId) {
        return dsl.deleteFrom(R).where(R.ID.eq(id), owned(userId)).execute() > 0;
    }

    @Override
    public List<StoredResponse> conversation(String id, long userId) {
        List<Link> links = chain(id, userId);
        Link last = links.isEmpty() ? null : links.getLast();
        if (last != null && (last.depth() > ResponsesConfig.CONVERSATION_LENGTH
                || last.total() > config.conversationBytes())) {
            throw new GatewayException(ApiError.invalidRequest("The conversation that previous_response_id '" + id
                    + "' continues is longer than this gateway replays (at most "
                    + ResponsesConfig.CONVERSATION_LENGTH + " responses and " + config.conversationBytes()
                    + " bytes): start a new conversation, sending the context you need as input.",
                    "previous_response_id"));
        }
        BodyMemory.Hold memory = RequestContext.memory();
        if (last != null && memory != null) {
            memory.take(last.total()); // 8 MiB by default, read before the request's quota is checked
        }
        Map<String, StoredResponse> byId = dsl.selectFrom(R)
                .where(R.ID.in(links.stream().map(Link::id).toList()), owned(userId))
                .fetch(PostgresResponseStore::stored).stream()
                .collect(Collectors.toMap(StoredResponse::id, Function.identity()));
        List<StoredResponse> oldestFirst = new ArrayList<>(links.size());
        links.stream().sorted(Comparator.comparingInt(Link::depth).reversed())
                .map(link -> byId.get(link.id())).filter(r -> r != null) // deleted since the walk
                .forEach(oldestFirst::add);
        return oldestFirst;
    }

    @Override
    public List<StoredResponse> holding(Collection<String> itemIds, long userId) {
        if (itemIds.isEmpty()) {
            return List.of();
        }
        List<Record2<String, Integer>> sizes = dsl.select(R.ID, R.BYTES).from(R)
                .where(R.ID.in(select(I.RESPONSE_ID).from(I).where(I.USER_ID.eq(userId), I.ITEM_ID.in(itemIds))),
                        owned(userId))
                .fetch();
        long total = sizes.stream().mapToLong(Record2::value2).sum();
        if (total > config.conversationBytes()) {
            throw new GatewayException(ApiError.invalidRequest("The items that this input references (item_reference)"
                    + " are in stored responses of " + total + " bytes together, more than this gateway reads for one"
                    + " request (" + config.conversationBytes() + "): send those items themselves.", "input"));
        }
        BodyMemory.Hold memory = RequestContext.memory();
        if (memory != null) {
            memory.take(total);
        }
        return sizes.isEmpty() ? List.of() : dsl.selectFrom(R)
                .where(R.ID.in(sizes.stream().map(Record2::value1).toList()), owned(userId))
                .fetch(PostgresResponseStore::stored);
    }

    /** One response of a conversation: how far back from its end, and the bytes up to and including it. */
    private record Link(String id, int depth, long total) {}

    /**
     * Walks previous_response_id from {@code id} back, newest first, through this user's unexpired rows only. It
     * stops one step past the bounds, so a too-long conversation shows as a last link beyond them (a cycle too).
     */
    private List<Link> chain(String id, long userId) {
        Field<String> prev = field(name("chain", "previous_response_id"), String.class);
        Field<Integer> depth = field(name("chain", "depth"), Integer.class);
        Field<Long> total = field(name("chain", "total"), Long.class);
        CommonTableExpression<Record4<String, String, Integer, Long>> chain = name("chain")
                .fields("id", "previous_response_id", "depth", "total")
                .as(select(R.ID, R.PREVIOUS_RESPONSE_ID, inline(1), R.BYTES.cast(SQLDataType.BIGINT))
                        .from(R).where(R.ID.eq(id), owned(userId))
                        .unionAll(select(R.ID, R.PREVIOUS_RESPONSE_ID, depth.plus(1), total.plus(R.BYTES))
                                .from(R).join(table(name("chain"))).on(R.ID.eq(prev))
                                .where(owned(userId), depth.le(ResponsesConfig.CONVERSATION_LENGTH),
                                        total.le(config.conversationBytes()))));
        return dsl.withRecursive(chain).selectFrom(chain).orderBy(chain.field(2))
                .fetch(r -> new Link(r.value1(), r.value3(), r.value4()));
    }

    /**
     * Deletes expired responses, at most {@link #SWEEP_BATCH} × {@link #SWEEP_BATCHES} per call (the rest at the
     * next); rows another instance is deleting at the same time are skipped. Returns how many it deleted.
     */
    public int sweep() {
        OffsetDateTime now = at(clock.instant());
        int removed = 0;
        for (int i = 0; i < SWEEP_BATCHES; i++) {
            int batch = dsl.deleteFrom(R).where(R.ID.in(select(R.ID).from(R).where(R.EXPIRES_AT.le(now))
                    .limit(SWEEP_BATCH).forUpdate().skipLocked())).execute();
            removed += batch;
            if (batch < SWEEP_BATCH) {
                break;
            }
        }
        return removed;
    }

    private Condition owned(long userId) {
        return R.USER_ID.eq(userId).and(R.EXPIRES_AT.gt(at(clock.instant())));
    }

    private static StoredResponse stored(StoredResponsesRecord r) {
        return new StoredResponse(r.getId(), r.getUserId(), r.getKeyId(), r.getModel(), r.getPreviousResponseId(),
                r.getInputItems(), r.getResponse(), r.getCreatedAt().toInstant());
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static long utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
