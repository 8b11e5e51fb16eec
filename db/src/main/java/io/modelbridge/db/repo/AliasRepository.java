package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.ALIAS_TARGETS;
import static io.modelbridge.db.jooq.Tables.CHANNELS;
import static io.modelbridge.db.jooq.Tables.MODEL_ALIASES;

import io.modelbridge.db.jooq.tables.records.ModelAliasesRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;

/** Model aliases and their targets; targets name their channel. */
public final class AliasRepository {
    private final DSLContext dsl;

    public AliasRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Every alias with its targets ordered by priority, then weight (heaviest first). */
    public List<Alias> list() {
        return select(MODEL_ALIASES.ID.isNotNull());
    }

    public Optional<Alias> find(String name) {
        return select(MODEL_ALIASES.NAME.eq(name)).stream().findFirst();
    }

    /**
     * Creates the alias or replaces its description and all its targets. Call inside a transaction.
     *
     * @throws IllegalArgumentException when a target names a channel that does not exist
     */
    public Alias put(String name, String description, List<AliasTarget> targets) {
        long id = dsl.insertInto(MODEL_ALIASES).set(MODEL_ALIASES.NAME, name)
                .set(MODEL_ALIASES.DESCRIPTION, description)
                .onConflict(MODEL_ALIASES.NAME).doUpdate().set(MODEL_ALIASES.DESCRIPTION, description)
                .returning(MODEL_ALIASES.ID).fetchOne(MODEL_ALIASES.ID);
        dsl.deleteFrom(ALIAS_TARGETS).where(ALIAS_TARGETS.ALIAS_ID.eq(id)).execute();
        Map<String, Long> channelIds = dsl.select(CHANNELS.NAME, CHANNELS.ID).from(CHANNELS)
                .where(CHANNELS.NAME.in(targets.stream().map(AliasTarget::channel).toList()))
                .fetchMap(CHANNELS.NAME, CHANNELS.ID);
        for (AliasTarget t : targets) {
            Long channelId = channelIds.get(t.channel());
            if (channelId == null) {
                throw new IllegalArgumentException("no channel named '" + t.channel() + "'");
            }
            dsl.insertInto(ALIAS_TARGETS).set(ALIAS_TARGETS.ALIAS_ID, id).set(ALIAS_TARGETS.CHANNEL_ID, channelId)
                    .set(ALIAS_TARGETS.UPSTREAM_MODEL, t.upstreamModel()).set(ALIAS_TARGETS.PRIORITY, t.priority())
                    .set(ALIAS_TARGETS.WEIGHT, t.weight()).execute();
        }
        return find(name).orElseThrow();
    }

    public boolean delete(String name) {
        return dsl.deleteFrom(MODEL_ALIASES).where(MODEL_ALIASES.NAME.eq(name)).execute() == 1;
    }

    private List<Alias> select(Condition condition) {
        List<ModelAliasesRecord> aliases = dsl.selectFrom(MODEL_ALIASES).where(condition)
                .orderBy(MODEL_ALIASES.NAME).fetch();
        Map<Long, List<AliasTarget>> targets = dsl
                .select(ALIAS_TARGETS.ALIAS_ID, CHANNELS.NAME, ALIAS_TARGETS.UPSTREAM_MODEL, ALIAS_TARGETS.PRIORITY,
                        ALIAS_TARGETS.WEIGHT)
                .from(ALIAS_TARGETS).join(CHANNELS).on(CHANNELS.ID.eq(ALIAS_TARGETS.CHANNEL_ID))
                .where(ALIAS_TARGETS.ALIAS_ID.in(aliases.stream().map(ModelAliasesRecord::getId).toList()))
                .orderBy(ALIAS_TARGETS.PRIORITY, ALIAS_TARGETS.WEIGHT.desc(), ALIAS_TARGETS.ID)
                .fetch()
                .stream()
                .collect(Collectors.groupingBy(r -> r.value1(), Collectors.mapping(
                        r -> new AliasTarget(r.value2(), r.value3(), r.value4(), r.value5()), Collectors.toList())));
        return aliases.stream()
                .map(a -> new Alias(a.getId(), a.getName(), a.getDescription(),
                        targets.getOrDefault(a.getId(), List.of())))
                .toList();
    }
}
