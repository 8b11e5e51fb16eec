package io.modelbridge.gateway.quota;

import io.modelbridge.db.repo.LedgerPosting;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.gateway.spill.RowsThenCloses;
import io.modelbridge.gateway.spill.SpillFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spill file of the ledger writer of versions before one row per request (reserve, settle and refund rows, and
 * lease closes, kept while the database was unavailable): written once at start, in order, then emptied. Migration
 * 0006 closed those versions' open leases as recovered, so a late settle charges its whole cost and a late refund
 * is dropped, as that version's own replay did. Writes are idempotent (a row of the same request and kind is not
 * posted twice), so a start that fails half way retries it at the next start.
 */
final class LegacyLedgerSpill {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyLedgerSpill.class);

    /** One line of the old file: one of the two fields is set. */
    record Item(LedgerPosting post, Long closeLease) {}

    private LegacyLedgerSpill() {}

    static void replay(QuotaRepository ledger, QuotaLeaseRepository leases, Path file) {
        if (!Files.exists(file)) {
            return;
        }
        SpillFile<Item> spill = new SpillFile<>(file, SpillFile.mapper(), Item.class, Integer.MAX_VALUE);
        List<Item> items = new ArrayList<>(spill.read());
        int count = items.size();
        try {
            RowsThenCloses.write(items, Item::post, ledger::postAll, item -> leases.close(item.closeLease()));
            spill.clear();
            if (count > 0) {
                LOG.info("Wrote {} quota ledger items an earlier version kept in {}", count, file);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not write the quota ledger items an earlier version kept in {} ({}); retried at the next "
                    + "start", file, e.getMessage());
        }
    }
}
