package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.API_KEYS;
import static io.modelbridge.db.jooq.Tables.USERS;

import io.modelbridge.db.ReadTimeout;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectOnConditionStep;

/** API keys, joined with their user; never the secret. */
public final class ApiKeyRepository {
    /** How long the key lookup and the last-used flush wait for a silent server before giving up. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private final DSLContext dsl;

    public ApiKeyRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Any key with that hash, disabled, expired and revoked ones too: the caller decides (revoked reads as disabled).
     * Gives up after {@link #READ_TIMEOUT} of silence from the server: the request (and every request with the
     * key, which share the lookup) is answered 503 in seconds, not after the driver's 45 s.
     */
    public Optional<ApiKey> findByHash(byte[] sha256) {
        return ReadTimeout.within(dsl, READ_TIMEOUT, d -> new ApiKeyRepository(d).select()
                .where(API_KEYS.KEY_HASH.eq(sha256)).fetchOptional(ApiKeyRepository::record));
    }

    /**
     * Records when keys were last used, in one batch, giving up after {@link #READ_TIMEOUT} of silence from the
     * server (the caller keeps the batch for its next try): it runs on the gateway's housekeeping thread, whose other
     * steps would otherwise wait out the driver's socket timeout behind a connection a NAT dropped.
     */
    public void touchLastUsed(Map<Long, Instant> lastUsedById) {
        if (lastUsedById.isEmpty()) {
            return;
        }
        ReadTimeout.within(dsl, READ_TIMEOUT, d -> d.batch(lastUsedById.entrySet().stream()
                .map(e -> d.update(API_KEYS).set(API_KEYS.LAST_USED_AT, Sql.at(e.getValue()))
                        .where(API_KEYS.ID.eq(e.getKey())))
                .toList()).execute());
    }

    public ApiKeyEntry create(NewApiKey key) {
        long id = dsl.insertInto(API_KEYS)
                .set(API_KEYS.USER_ID, key.userId()).set(API_KEYS.PREFIX, key.prefix())
                .set(API_KEYS.KEY_HASH, key.keyHash()).set(API_KEYS.LABEL, key.label())
                .set(API_KEYS.ALLOWED_MODELS, Sql.array(key.allowedModels()))
                .set(API_KEYS.ALLOWED_CIDRS, Sql.array(key.allowedCidrs()))
                .set(API_KEYS.EXPIRES_AT, Sql.at(key.expiresAt()))
                .set(API_KEYS.RPM, key.rpm()).set(API_KEYS.TPM, key.tpm())
                .set(API_KEYS.RESPONSE_PROFILE, key.responseProfile())
                .returning(API_KEYS.ID).fetchOne(API_KEYS.ID);
        return find(id).orElseThrow();
    }

    public Optional<ApiKeyEntry> find(long id) {
        return select().where(API_KEYS.ID.eq(id)).fetchOptional(ApiKeyRepository::entry);
    }

    public List<ApiKeyEntry> list() {
        return list(API_KEYS.ID.isNotNull());
    }

    public List<ApiKeyEntry> listForUser(long userId) {
        return list(API_KEYS.USER_ID.eq(userId));
    }

    /** false when no such key. */
    public boolean update(long id, KeySettings s) {
        return dsl.update(API_KEYS)
                .set(API_KEYS.LABEL, s.label())
                .set(API_KEYS.ALLOWED_MODELS, Sql.array(s.allowedModels()))
                .set(API_KEYS.ALLOWED_CIDRS, Sql.array(s.allowedCidrs()))
                .set(API_KEYS.EXPIRES_AT, Sql.at(s.expiresAt()))
                .set(API_KEYS.ENABLED, s.enabled()).set(API_KEYS.RPM, s.rpm()).set(API_KEYS.TPM, s.tpm())
                .set(API_KEYS.RESPONSE_PROFILE, s.responseProfile())
                .where(API_KEYS.ID.eq(id)).execute() == 1;
    }

    /** Revokes for good (a revoked key never authenticates again); false when no such key or already revoked. */
    public boolean revoke(long id, Instant at) {
        return dsl.update(API_KEYS).set(API_KEYS.REVOKED_AT, Sql.at(at))
                .where(API_KEYS.ID.eq(id)).and(API_KEYS.REVOKED_AT.isNull()).execute() == 1;
    }

    public boolean delete(long id) {
        return dsl.deleteFrom(API_KEYS).where(API_KEYS.ID.eq(id)).execute() == 1;
    }

    private List<ApiKeyEntry> list(Condition condition) {
        return select().where(condition).orderBy(API_KEYS.ID).fetch(ApiKeyRepository::entry);
    }

    private SelectOnConditionStep<Record> select() {
        return dsl.select(API_KEYS.asterisk(), USERS.NAME, USERS.ENABLED)
                .from(API_KEYS).join(USERS).on(USERS.ID.eq(API_KEYS.USER_ID));
    }

    private static ApiKeyEntry entry(Record r) {
        return new ApiKeyEntry(record(r), r.get(API_KEYS.ENABLED), Sql.instant(r.get(API_KEYS.REVOKED_AT)));
    }

    private static ApiKey record(Record r) {
        boolean enabled = r.get(API_KEYS.ENABLED) && r.get(API_KEYS.REVOKED_AT) == null;
        return new ApiKey(r.get(API_KEYS.ID), r.get(API_KEYS.USER_ID), r.get(USERS.NAME), r.get(USERS.ENABLED),
                r.get(API_KEYS.PREFIX), r.get(API_KEYS.LABEL), Sql.list(r.get(API_KEYS.ALLOWED_MODELS)),
                Sql.list(r.get(API_KEYS.ALLOWED_CIDRS)), Sql.instant(r.get(API_KEYS.EXPIRES_AT)), enabled,
                r.get(API_KEYS.RPM), r.get(API_KEYS.TPM), Sql.instant(r.get(API_KEYS.LAST_USED_AT)),
                Sql.instant(r.get(API_KEYS.CREATED_AT)), r.get(API_KEYS.RESPONSE_PROFILE));
    }
}
