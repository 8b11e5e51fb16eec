package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.CHANNELS;

import io.modelbridge.db.jooq.tables.records.ChannelsRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** Upstream channels; credentials only ever as sealed bytes. */
public final class ChannelRepository {
    private final DSLContext dsl;

    public ChannelRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public List<Channel> list() {
        return dsl.selectFrom(CHANNELS).orderBy(CHANNELS.NAME).fetch(ChannelRepository::map);
    }

    public Optional<Channel> find(String name) {
        return dsl.selectFrom(CHANNELS).where(CHANNELS.NAME.eq(name)).fetchOptional(ChannelRepository::map);
    }

    /** @throws org.jooq.exception.IntegrityConstraintViolationException when the name is taken */
    public Channel create(ChannelSpec spec) {
        ChannelsRecord r = dsl.newRecord(CHANNELS);
        fill(r, spec);
        r.store();
        r.refresh();
        return map(r);
    }

    /** Replaces every field of the channel with that id; false when no such channel. */
    public boolean update(long id, ChannelSpec spec) {
        ChannelsRecord r = dsl.newRecord(CHANNELS);
        fill(r, spec);
        r.setUpdatedAt(OffsetDateTime.now());
        return dsl.update(CHANNELS).set(r).where(CHANNELS.ID.eq(id)).execute() == 1;
    }

    /** Deletes the channel and the alias targets pointing at it; false when no such channel. */
    public boolean delete(String name) {
        return dsl.deleteFrom(CHANNELS).where(CHANNELS.NAME.eq(name)).execute() == 1;
    }

    private static void fill(ChannelsRecord r, ChannelSpec s) {
        r.setName(s.name());
        r.setProvider(s.provider());
        r.setBaseUrl(s.baseUrl());
        r.setCredentialSealed(s.credentialSealed());
        r.setModels(Sql.array(s.models()));
        r.setPriority(s.priority());
        r.setWeight(s.weight());
        r.setEnabled(s.enabled());
        r.setConnectTimeoutMs(s.connectTimeoutMs());
        r.setReadTimeoutMs(s.readTimeoutMs());
        r.setExtras(Sql.jsonb(s.extras()));
        r.setResponsesNative(s.responsesNative());
    }

    static Channel map(ChannelsRecord r) {
        return new Channel(r.getId(), r.getName(), r.getProvider(), r.getBaseUrl(), r.getCredentialSealed(),
                Sql.list(r.getModels()), r.getPriority(), r.getWeight(), r.getEnabled(), r.getConnectTimeoutMs(),
                r.getReadTimeoutMs(), Sql.stringMap(r.getExtras()), r.getResponsesNative(), Sql.instant(r.getCreatedAt()));
    }
}
