package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.AUDIT_LOG;

import java.time.Instant;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/** The audit log of admin changes, append-only. */
public final class AuditRepository {
    private final DSLContext dsl;

    public AuditRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** Appends one row; use the DSLContext of the change's own transaction. */
    public void record(Instant at, String actor, String action, String objectType, String objectName,
                       String detailJson) {
        dsl.insertInto(AUDIT_LOG)
                .set(AUDIT_LOG.AT, Sql.at(at)).set(AUDIT_LOG.ACTOR, actor).set(AUDIT_LOG.ACTION, action)
                .set(AUDIT_LOG.OBJECT_TYPE, objectType).set(AUDIT_LOG.OBJECT_NAME, objectName)
                .set(AUDIT_LOG.DETAIL, JSONB.jsonb(detailJson))
                .execute();
    }

    /** The latest rows, newest first. */
    public List<AuditEntry> recent(int limit) {
        return dsl.selectFrom(AUDIT_LOG).orderBy(AUDIT_LOG.ID.desc()).limit(limit)
                .fetch(r -> new AuditEntry(r.getId(), Sql.instant(r.getAt()), r.getActor(), r.getAction(),
                        r.getObjectType(), r.getObjectName(), r.getDetail().data()));
    }
}
