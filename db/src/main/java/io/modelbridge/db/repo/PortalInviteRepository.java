package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.PORTAL_INVITES;

import io.modelbridge.db.jooq.tables.records.PortalInvitesRecord;
import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;

/** Invite codes of the portal. */
public final class PortalInviteRepository {
    private final DSLContext dsl;

    public PortalInviteRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public PortalInvite create(String code, int maxUses, Instant expiresAt) {
        return map(dsl.insertInto(PORTAL_INVITES).set(PORTAL_INVITES.CODE, code)
                .set(PORTAL_INVITES.MAX_USES, maxUses).set(PORTAL_INVITES.EXPIRES_AT, Sql.at(expiresAt))
                .returning().fetchOne());
    }

    public List<PortalInvite> list() {
        return dsl.selectFrom(PORTAL_INVITES).orderBy(PORTAL_INVITES.CREATED_AT).fetch(PortalInviteRepository::map);
    }

    public boolean delete(String code) {
        return dsl.deleteFrom(PORTAL_INVITES).where(PORTAL_INVITES.CODE.eq(code)).execute() == 1;
    }

    /** Takes one use of the code if it exists, has uses left and has not expired; false otherwise. */
    public boolean consume(String code, Instant now) {
        return dsl.update(PORTAL_INVITES).set(PORTAL_INVITES.USES, PORTAL_INVITES.USES.plus(1))
                .where(PORTAL_INVITES.CODE.eq(code))
                .and(PORTAL_INVITES.USES.lt(PORTAL_INVITES.MAX_USES))
                .and(PORTAL_INVITES.EXPIRES_AT.isNull().or(PORTAL_INVITES.EXPIRES_AT.gt(Sql.at(now))))
                .execute() == 1;
    }

    private static PortalInvite map(PortalInvitesRecord r) {
        return new PortalInvite(r.getCode(), r.getMaxUses(), r.getUses(), Sql.instant(r.getExpiresAt()),
                Sql.instant(r.getCreatedAt()));
    }
}
