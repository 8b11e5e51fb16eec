package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.PORTAL_SETTINGS;

import io.modelbridge.db.jooq.tables.records.PortalSettingsRecord;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;

/** The portal's single settings row (created by the migration). */
public final class PortalSettingsRepository {
    private final DSLContext dsl;

    public PortalSettingsRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** The settings; the migration's defaults again if the row was removed (a truncated table). */
    public PortalSettings get() {
        PortalSettingsRecord r = dsl.selectFrom(PORTAL_SETTINGS).where(PORTAL_SETTINGS.ID.eq(1)).fetchOptional()
                .orElseGet(() -> {
                    dsl.insertInto(PORTAL_SETTINGS).set(PORTAL_SETTINGS.ID, 1).onConflictDoNothing().execute();
                    return dsl.selectFrom(PORTAL_SETTINGS).where(PORTAL_SETTINGS.ID.eq(1)).fetchOne();
                });
        return new PortalSettings(r.getRegistration(), Sql.list(r.getAllowedDomains()), r.getFreeQuota(), r.getRpm(),
                r.getTpm(), Sql.list(r.getModels()));
    }

    public void put(PortalSettings s) {
        dsl.update(PORTAL_SETTINGS)
                .set(PORTAL_SETTINGS.REGISTRATION, s.registration())
                .set(PORTAL_SETTINGS.ALLOWED_DOMAINS, Sql.array(s.allowedDomains()))
                .set(PORTAL_SETTINGS.FREE_QUOTA, s.freeQuota())
                .set(PORTAL_SETTINGS.RPM, s.rpm()).set(PORTAL_SETTINGS.TPM, s.tpm())
                .set(PORTAL_SETTINGS.MODELS, Sql.array(s.models()))
                .set(PORTAL_SETTINGS.UPDATED_AT, OffsetDateTime.now())
                .where(PORTAL_SETTINGS.ID.eq(1)).execute();
    }
}
