package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.USERS;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectJoinStep;

/** Users. Quota balances change only through {@link QuotaRepository}, which keeps the ledger. */
public final class UserRepository {
    private static final Field<BigDecimal> LEFT =
            USERS.QUOTA_BALANCE.minus(QuotaLeaseRepository.uncharged(USERS.ID)).as("quota_left");
    private final DSLContext dsl;

    public UserRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** @throws org.jooq.exception.IntegrityConstraintViolationException when the name is taken */
    public User create(String name, String email, String role, boolean enabled) {
        long id = dsl.insertInto(USERS)
                .set(USERS.NAME, name).set(USERS.EMAIL, email).set(USERS.ROLE, role).set(USERS.ENABLED, enabled)
                .returning(USERS.ID).fetchOne(USERS.ID);
        return find(id).orElseThrow();
    }

    public List<User> list() {
        return select().orderBy(USERS.NAME).fetch(UserRepository::map);
    }

    public Optional<User> find(String name) {
        return select().where(USERS.NAME.eq(name)).fetchOptional(UserRepository::map);
    }

    public Optional<User> find(long id) {
        return select().where(USERS.ID.eq(id)).fetchOptional(UserRepository::map);
    }

    /** Replaces the editable fields; false when no such user. */
    public boolean update(long id, String email, String role, boolean enabled) {
        return dsl.update(USERS)
                .set(USERS.EMAIL, email).set(USERS.ROLE, role).set(USERS.ENABLED, enabled)
                .set(USERS.UPDATED_AT, OffsetDateTime.now())
                .where(USERS.ID.eq(id)).execute() == 1;
    }

    /** Deletes the user with its keys, ledger and stored responses (usage rows stay); false when no such user. */
    public boolean delete(String name) {
        return dsl.deleteFrom(USERS).where(USERS.NAME.eq(name)).execute() == 1;
    }

    private SelectJoinStep<Record> select() {
        return dsl.select(USERS.fields()).select(LEFT).from(USERS);
    }

    private static User map(Record r) {
        return new User(r.get(USERS.ID), r.get(USERS.NAME), r.get(USERS.EMAIL), r.get(USERS.ROLE),
                r.get(USERS.ENABLED), r.get(USERS.QUOTA_BALANCE), r.get(LEFT), Sql.instant(r.get(USERS.CREATED_AT)));
    }
}
