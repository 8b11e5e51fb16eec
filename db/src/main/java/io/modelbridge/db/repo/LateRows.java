package io.modelbridge.db.repo;

import static io.modelbridge.db.jooq.Tables.QUOTA_LEASES;
import static io.modelbridge.db.jooq.Tables.QUOTA_LEDGER;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Rows that arrive for a lease another instance already recovered (its holder was cut off from the database for
 * longer than the lease time-to-live, then came back). Recovery refunded the open reservations, so a late refund
 * of one is dropped and a late settle charges the whole cost instead of returning the unused part.
 */
final class LateRows {
    private final DSLContext dsl;

    LateRows(DSLContext dsl) {
        this.dsl = dsl;
    }

    List<LedgerPosting> rewrite(List<LedgerPosting> rows) {
        Set<Long> leases = rows.stream().map(LedgerPosting::leaseId).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
        if (leases.isEmpty()) {
            return rows;
        }
        Set<Long> recovered = Set.copyOf(dsl.select(QUOTA_LEASES.ID).from(QUOTA_LEASES)
                .where(QUOTA_LEASES.ID.in(leases)).and(QUOTA_LEASES.RECOVERED).fetch(QUOTA_LEASES.ID));
        if (recovered.isEmpty()) {
            return rows;
        }
        List<LedgerPosting> out = new ArrayList<>(rows.size());
        for (LedgerPosting r : rows) {
            boolean closing = "settle".equals(r.kind()) || "refund".equals(r.kind());
            if (!closing || r.leaseId() == null || !recovered.contains(r.leaseId()) || r.requestId() == null) {
                out.add(r);
                continue;
            }
            Map<String, BigDecimal> sums = dsl.select(QUOTA_LEDGER.KIND, DSL.sum(QUOTA_LEDGER.AMOUNT))
                    .from(QUOTA_LEDGER).where(QUOTA_LEDGER.LEASE_ID.eq(r.leaseId()))
                    .and(QUOTA_LEDGER.REQUEST_ID.eq(r.requestId())).groupBy(QUOTA_LEDGER.KIND)
                    .fetchMap(QUOTA_LEDGER.KIND, DSL.sum(QUOTA_LEDGER.AMOUNT));
            if (!sums.containsKey("refund")) {
                out.add(r); // recovery did not see this reservation: the row closes it as usual
            } else if ("settle".equals(r.kind())) {
                BigDecimal reserved = sums.getOrDefault("reserve", BigDecimal.ZERO); // negative
                out.add(new LedgerPosting(r.userId(), "settle", r.amount().add(reserved), r.requestId(), r.leaseId(),
                        "settled after recovery refunded the reservation"));
            }
        }
        return out;
    }
}
