package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.USERS;

import io.modelbridge.db.jooq.tables.records.UsersRecord;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** Users. Quota balances change only through {@link QuotaRepository}, which keeps the ledger. */
public final class UserRepository {
    private final DSLContext dsl;

    public UserRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** @throws org.jooq.exception.IntegrityConstraintViolationException when the name is taken */
    public User create(String name, String email, String role, boolean enabled) {
        return map(dsl.insertInto(USERS)
                .set(USERS.NAME, name).set(USERS.EMAIL, email).set(USERS.ROLE, role).set(USERS.ENABLED, enabled)
                .returning().fetchOne());
    }

    public List<User> list() {
        return dsl.selectFrom(USERS).orderBy(USERS.NAME).fetch(UserRepository::map);
    }

    public Optional<User> find(String name) {
        return dsl.selectFrom(USERS).where(USERS.NAME.eq(name)).fetchOptional(UserRepository::map);
    }

    public Optional<User> find(long id) {
        return dsl.selectFrom(USERS).where(USERS.ID.eq(id)).fetchOptional(UserRepository::map);
    }

    /** Replaces the editable fields; false when no such user. */
    public boolean update(long id, String email, String role, boolean enabled) {
        return dsl.update(USERS)
                .set(USERS.EMAIL, email).set(USERS.ROLE, role).set(USERS.ENABLED, enabled)
                .set(USERS.UPDATED_AT, OffsetDateTime.now())
                .where(USERS.ID.eq(id)).execute() == 1;
    }

    /** Deletes the user with its keys and ledger (usage rows stay); false when no such user. */
    public boolean delete(String name) {
        return dsl.deleteFrom(USERS).where(USERS.NAME.eq(name)).execute() == 1;
    }

    static User map(UsersRecord r) {
        return new User(r.getId(), r.getName(), r.getEmail(), r.getRole(), r.getEnabled(),
                r.getQuotaBalance(), Sql.instant(r.getCreatedAt()));
    }
}
