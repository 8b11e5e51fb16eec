package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.RATE_LIMITS;

import java.util.List;
import org.jooq.DSLContext;

/** Rate limits, one per (scope, subject). */
public final class LimitRepository {
    private final DSLContext dsl;

    public LimitRepository(DSLContext dsl) {
        this.dsl = dsl;
    }

    public List<RateLimit> list() {
        return dsl.selectFrom(RATE_LIMITS).orderBy(RATE_LIMITS.SCOPE, RATE_LIMITS.SUBJECT)
                .fetch(r -> new RateLimit(r.getScope(), r.getSubject(), r.getRpm(), r.getTpm()));
    }

    /** Creates or replaces the limit of that scope and subject. */
    public void put(RateLimit limit) {
        dsl.insertInto(RATE_LIMITS)
                .set(RATE_LIMITS.SCOPE, limit.scope()).set(RATE_LIMITS.SUBJECT, limit.subject())
                .set(RATE_LIMITS.RPM, limit.rpm()).set(RATE_LIMITS.TPM, limit.tpm())
                .onConflict(RATE_LIMITS.SCOPE, RATE_LIMITS.SUBJECT).doUpdate()
                .set(RATE_LIMITS.RPM, limit.rpm()).set(RATE_LIMITS.TPM, limit.tpm())
                .execute();
    }

    public boolean delete(String scope, String subject) {
        return dsl.deleteFrom(RATE_LIMITS)
                .where(RATE_LIMITS.SCOPE.eq(scope)).and(RATE_LIMITS.SUBJECT.eq(subject)).execute() == 1;
    }
}
