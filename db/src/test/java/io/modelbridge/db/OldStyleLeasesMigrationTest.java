package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;

/**
 * Migration 0006 on a database an earlier version (a reserve and a settle row per request) left with an open lease:
 * the shared test database gets old-style rows and its changeset unrecorded, then is migrated again for real. The
 * open reservation is refunded as that version's recovery did, the lease is closed as recovered, and the balance is
 * still the sum of the ledger.
 */
class OldStyleLeasesMigrationTest {
    private final Database db = TestDb.shared();
    private final DSLContext dsl = db.dsl();

    @Test
    void openReservationsOfAnEarlierVersionAreRefundedAndItsLeasesClosed() {
        TestDb.reset(dsl);
        dsl.execute("delete from databasechangelog where id = '0006-close-old-style-leases'");
        dsl.execute("insert into users (id, name, role, quota_balance) values (1, 'old', 'user', 9.22)");
        dsl.execute("insert into quota_leases (id, user_id, instance_id, granted, posted) values (7, 1, 'i', 5, -0.78)");
        dsl.execute("insert into quota_leases (id, user_id, instance_id, granted, posted, closed_at) values "
                + "(6, 1, 'i', 1, 0, now())");
        dsl.execute("""
                insert into quota_ledger (user_id, kind, amount, balance_after, request_id, lease_id) values
                (1, 'grant', 10, 10, null, null),
                (1, 'reserve', -0.42, 9.58, 'settled', 7), (1, 'settle', 0.24, 9.82, 'settled', 7),
                (1, 'reserve', -0.6, 9.22, 'open', 7)""");

        Migrator.migrate(db.dataSource(), db.schema());

        assertEquals(0, new BigDecimal("9.82").compareTo(number("select quota_balance from users where id = 1")));
        assertEquals(0, new BigDecimal("9.82").compareTo(number("select sum(amount) from quota_ledger")));
        assertEquals(0, new BigDecimal("0.6").compareTo(
                number("select amount from quota_ledger where kind = 'refund' and request_id = 'open'")));
        assertEquals(0, new BigDecimal("9.82").compareTo(
                number("select balance_after from quota_ledger where kind = 'refund'")));
        assertEquals(1, number("select count(*) from quota_ledger where kind = 'refund'").intValue());
        assertEquals(0, number("select count(*) from quota_leases where closed_at is null").intValue());
        assertTrue(dsl.fetchOne("select recovered from quota_leases where id = 7").get(0, Boolean.class));
        assertEquals(0, new BigDecimal("-0.18").compareTo(number("select posted from quota_leases where id = 7")));
        TestDb.reset(dsl);
    }

    private BigDecimal number(String sql) {
        return dsl.fetchOne(sql).get(0, BigDecimal.class);
    }
}
