package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

/**
 * Migration 0005 on a ledger that a retry had already written twice: the shared test database is put back in its
 * pre-0005 state (index dropped, changeset unrecorded) with duplicated rows, then migrated again for real.
 */
class LedgerDuplicatesMigrationTest {
    private final Database db = TestDb.shared();
    private final DSLContext dsl = db.dsl();

    @Test
    void rowsWrittenTwiceAreReversedAndThenRefused() {
        TestDb.reset(dsl);
        dsl.execute("drop index quota_ledger_request_id_kind_key");
        dsl.execute("create index quota_ledger_request_id_idx on quota_ledger (request_id)");
        dsl.execute("delete from databasechangelog where id = '0005-ledger-request-kind-unique'");
        dsl.execute("insert into users (id, name, role, quota_balance) values (1, 'twice', 'user', 9.22)");
        dsl.execute("insert into quota_leases (id, user_id, instance_id, granted, posted) values (7, 1, 'i', 5, -0.78)");
        dsl.execute("""
                insert into quota_ledger (user_id, kind, amount, balance_after, request_id, lease_id) values
                (1, 'grant', 10, 10, null, null),
                (1, 'reserve', -0.42, 9.58, 'req-1', 7), (1, 'settle', 0.24, 9.82, 'req-1', 7),
                (1, 'reserve', -0.42, 9.40, 'req-1', 7), (1, 'settle', 0.24, 9.64, 'req-1', 7),
                (1, 'reserve', -0.42, 9.22, 'req-2', 7)""");

        Migrator.migrate(db.dataSource(), db.schema());

        assertEquals(0, new BigDecimal("9.40").compareTo(number("select quota_balance from users where id = 1")));
        assertEquals(0, new BigDecimal("9.40").compareTo(number("select sum(amount) from quota_ledger")));
        assertEquals(0, new BigDecimal("-0.60").compareTo(number("select posted from quota_leases where id = 7")));
        assertEquals(0, new BigDecimal("-0.18").compareTo(
                number("select sum(amount) from quota_ledger where request_id = 'req-1'")));
        assertEquals(3, number("select count(*) from quota_ledger where kind = 'adjust'").intValue());
        assertThrows(DataAccessException.class, () -> dsl.execute("insert into quota_ledger (user_id, kind, "
                + "amount, balance_after, request_id) values (1, 'reserve', -1, 8.4, 'req-2')"));
        TestDb.reset(dsl);
    }

    private BigDecimal number(String sql) {
        return dsl.fetchOne(sql).get(0, BigDecimal.class);
    }
}
