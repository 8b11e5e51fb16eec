package io.modelbridge.gateway.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.gateway.it.RunningGateway;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/** Reads a user's quota, ledger and usage through the admin API once the gateways have written them. */
final class Ledger {
    private Ledger() {}

    /**
     * Waits until every lease of the user is closed, and returns the quota view. A lease closes after the usage rows
     * charged to it are written, and its close charges them, so the ledger is then settled. The caller made at least
     * one admitted request, whose lease was open when it was answered.
     */
    static JsonNode settledQuota(RunningGateway gw, String user) {
        return returnedLeases(gw, user);
    }

    /** The sum the ledger charged the user for usage (its 'charge' rows), as a positive amount. */
    static BigDecimal charged(JsonNode quota) {
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode row : quota.get("ledger")) {
            if (row.get("kind").asText().equals("charge")) {
                sum = sum.subtract(row.get("amount").decimalValue());
            }
        }
        return sum;
    }

    /** Waits until no lease holds any of the user's balance (every instance returned its lease). */
    static JsonNode returnedLeases(RunningGateway gw, String user) {
        JsonNode quota = null;
        for (int i = 0; i < 100; i++) {
            quota = gw.admin("GET", "/users/" + user + "/quota?limit=1000", null);
            if (quota.get("held").decimalValue().signum() == 0) {
                return quota;
            }
            Setup.sleep(100);
        }
        throw new AssertionError("leases still held: " + quota);
    }

    static BigDecimal balance(JsonNode quota) {
        return quota.get("balance").decimalValue();
    }

    /** Sum of the usage rows' cost for the user, after waiting for {@code rows} rows. */
    static BigDecimal usageCost(RunningGateway gw, String user, int rows) {
        JsonNode usage = usage(gw, user, rows);
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode row : usage.get("data")) {
            sum = sum.add(row.get("cost").decimalValue());
        }
        assertEquals(0, sum.compareTo(usage.at("/totals/cost").decimalValue()));
        return sum;
    }

    static JsonNode usage(RunningGateway gw, String user, int rows) {
        JsonNode usage = null;
        for (int i = 0; i < 100; i++) {
            usage = gw.admin("GET", "/usage?user=" + user + "&since=1h&limit=1000", null);
            if (usage.at("/totals/requests").asInt() >= rows) {
                return usage;
            }
            Setup.sleep(100);
        }
        throw new AssertionError("expected " + rows + " usage rows: " + usage.get("totals"));
    }

    /** The user's ledger, newest first (up to 1000 rows). */
    static JsonNode rows(RunningGateway gw, String user) {
        return gw.admin("GET", "/users/" + user + "/quota?limit=1000", null).get("ledger");
    }

    /** The amounts of the user's ledger rows add up to the balance; returns the sum per kind. */
    static Map<String, BigDecimal> assertExplainsBalance(RunningGateway gw, String user) {
        JsonNode quota = gw.admin("GET", "/users/" + user + "/quota?limit=1000", null);
        Map<String, BigDecimal> sums = new HashMap<>();
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode row : quota.get("ledger")) {
            sums.merge(row.get("kind").asText(), row.get("amount").decimalValue(), BigDecimal::add);
            total = total.add(row.get("amount").decimalValue());
        }
        assertEquals(0, total.compareTo(balance(quota)), "the ledger explains the balance: " + sums);
        assertEquals(0, balance(quota).compareTo(quota.at("/ledger/0/balance_after").decimalValue()));
        return sums;
    }
}
