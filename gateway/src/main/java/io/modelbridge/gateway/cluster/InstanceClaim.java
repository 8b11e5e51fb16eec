package io.modelbridge.gateway.cluster;

import static io.modelbridge.db.jooq.Tables.SETTINGS;

import io.modelbridge.db.ReadTimeout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's place among the instances on one database: a row in {@code settings} under
 * {@code instance:<id>} holding its rate-limit mode and a heartbeat (database clock, epoch milliseconds), renewed
 * every second. At start it refuses an instance id that a live instance holds (the two would recover each other's
 * quota leases) and a rate-limit mode that differs from the live instances' (limits would not hold across them).
 *
 * <p>"Live" means a heartbeat fresher than {@link #LIVE_WITHIN}, twice the 15 s after which an instance stops using
 * its own quota leases. An id whose heartbeat is fresh is watched: if it moves, another instance holds it; if it
 * stays still (a run killed with kill -9), the start waits until it is {@link #LIVE_WITHIN} old, then takes it over.
 * When the heartbeat was written from this data folder (whose {@link FolderLock} this run now holds, so that run is
 * dead) the watch lasts only {@link #SAME_FOLDER_WATCH}, long enough to see a live copy of the folder beat.
 */
public final class InstanceClaim {
    public static final Duration LIVE_WITHIN = Duration.ofSeconds(30);
    public static final Duration BEAT_EVERY = Duration.ofSeconds(1);
    /**
     * A beat whose connection is silent this long is given up, the next one takes another connection: it shares its
     * thread with the quota lease renewal, which the driver's own 45 s would hold up past the leases' 15 s.
     */
    static final Duration BEAT_READ_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration SAME_FOLDER_WATCH = BEAT_EVERY.multipliedBy(3);
    /** Rows of instances gone this long are deleted by the next start. */
    static final Duration FORGET_AFTER = Duration.ofDays(7);
    private static final String PREFIX = "instance:";
    /** Serialises the starts of all instances on the database (pg_advisory_xact_lock key). */
    private static final long START_LOCK = 0x6d62_636c_6169_6dL;
    private static final Logger LOG = LoggerFactory.getLogger(InstanceClaim.class);

    private final DSLContext dsl;
    private final String instanceId;
    private final String mode;
    private final FolderLock folder;

    private InstanceClaim(DSLContext dsl, String instanceId, String mode, FolderLock folder) {
        this.dsl = dsl;
        this.instanceId = instanceId;
        this.mode = mode;
        this.folder = folder;
    }

    /**
     * A member's row: its rate-limit mode, its last heartbeat, the token of the data folder it runs from, and the
     * database's clock when read.
     */
    record Member(String id, String mode, long beatMillis, String folder, long nowMillis) {
        long ageMillis() {
            return nowMillis - beatMillis;
        }

        boolean live() {
            return ageMillis() < LIVE_WITHIN.toMillis();
        }
    }

    /**
     * Takes {@code instanceId} for this run, in rate-limit mode {@code mode}.
     *
     * @throws ClusterConflict when a live instance holds the id, or live instances run another rate-limit mode
     */
    public static InstanceClaim claim(DSLContext dsl, String instanceId, String mode, Path dataDir)
            throws InterruptedException {
        FolderLock folder = FolderLock.take(dataDir);
        try {
            InstanceClaim claim = new InstanceClaim(dsl, instanceId, mode, folder);
            claim.take();
            return claim;
        } catch (InterruptedException | RuntimeException | Error e) {
            folder.close();
            throw e;
        }
    }

    private void take() throws InterruptedException {
        Optional<Member> seen = waitForSilence();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.select(DSL.field("pg_advisory_xact_lock({0})", Object.class, DSL.val(START_LOCK))).fetch();
            Map<String, Member> members = members(t);
            Member own = members.remove(instanceId);
            if (own != null && own.live() && (seen.isEmpty() || own.beatMillis() != seen.get().beatMillis())) {
                throw held(instanceId, own);
            }
            for (Member other : members.values()) {
                if (other.live() && !other.mode().equals(mode)) {
                    throw new ClusterConflict("MB_RATE_LIMITS=" + mode + " differs from the instances already running"
                            + " on this database (instance " + other.id() + " runs " + other.mode() + "); set the same"
                            + " mode on every instance, or stop them all to change it");
                }
                if (other.ageMillis() > FORGET_AFTER.toMillis()) {
                    t.deleteFrom(SETTINGS).where(SETTINGS.KEY.eq(PREFIX + other.id())).execute();
                }
            }
            beat(t);
        });
    }

    /**
     * When the id's heartbeat is fresh, watches it until it moves (another live instance: refused) or grows
     * {@link #LIVE_WITHIN} old (a crashed run; {@link #SAME_FOLDER_WATCH} when it ran from this data folder); returns
     * the heartbeat taken over, if any.
     */
    private Optional<Member> waitForSilence() throws InterruptedException {
        Optional<Member> first = member(dsl, instanceId);
        if (first.isEmpty() || !first.get().live()) {
            return first;
        }
        boolean sameFolder = first.get().folder().equals(folder.token());
        long waitMillis = sameFolder ? SAME_FOLDER_WATCH.toMillis() : LIVE_WITHIN.toMillis() - first.get().ageMillis();
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        LOG.warn("Instance id {} has a heartbeat {} ms old{}: watching it for up to {} s (it stays still if its run"
                + " crashed, and moves if another instance holds the id)", instanceId, first.get().ageMillis(),
                sameFolder ? ", written from this data folder" : "", (waitMillis + 999) / 1000);
        while (true) {
            Thread.sleep(BEAT_EVERY.toMillis() / 2);
            Member now = member(dsl, instanceId).orElse(null);
            if (now == null) {
                return Optional.empty(); // its holder stopped gracefully meanwhile
            }
            if (now.beatMillis() != first.get().beatMillis()) {
                throw held(instanceId, now);
            }
            if (!now.live() || System.nanoTime() - deadline >= 0) {
                LOG.info("Instance id {}: its previous run is gone (no heartbeat for {} ms); taking it over", instanceId,
                        now.ageMillis());
                return Optional.of(now);
            }
        }
    }

    private static ClusterConflict held(String instanceId, Member holder) {
        return new ClusterConflict("MB_INSTANCE_ID " + instanceId + " is in use by a live instance on this database"
                + " (heartbeat " + holder.ageMillis() + " ms ago); give every instance its own id");
    }

    /** Renews the heartbeat; called every {@link #BEAT_EVERY}. */
    public void beat() {
        ReadTimeout.within(dsl, BEAT_READ_TIMEOUT, t -> {
            beat(t);
            return null;
        });
    }

    private void beat(DSLContext t) {
        t.insertInto(SETTINGS).set(SETTINGS.KEY, PREFIX + instanceId)
                .set(SETTINGS.VALUE, DSL.field("{0} || " + NOW_MILLIS + " || {1}", String.class, DSL.val(mode + " "),
                        DSL.val(" " + folder.token())))
                .onConflict(SETTINGS.KEY).doUpdate()
                .set(SETTINGS.VALUE, DSL.field("excluded.value", String.class)).execute();
    }

    /** A graceful stop: the id is free at once, so a restart need not wait. */
    public void release() {
        try {
            dsl.deleteFrom(SETTINGS).where(SETTINGS.KEY.eq(PREFIX + instanceId)).execute();
        } finally {
            folder.close();
        }
    }

    private static final String NOW_MILLIS = "cast(floor(extract(epoch from clock_timestamp()) * 1000) as bigint)";

    private static Optional<Member> member(DSLContext t, String id) {
        return Optional.ofNullable(members(t, SETTINGS.KEY.eq(PREFIX + id)).get(id));
    }

    private static Map<String, Member> members(DSLContext t) {
        return members(t, SETTINGS.KEY.startsWith(PREFIX));
    }

    private static Map<String, Member> members(DSLContext t, org.jooq.Condition which) {
        Map<String, Member> members = new HashMap<>();
        t.select(SETTINGS.KEY, SETTINGS.VALUE, DSL.field(NOW_MILLIS, Long.class)).from(SETTINGS).where(which)
                .forEach(r -> {
                    String[] modeBeatFolder = r.value2().split(" ", 3);
                    if (modeBeatFolder.length == 3 && modeBeatFolder[1].matches("\\d{1,19}")) {
                        String id = r.value1().substring(PREFIX.length());
                        members.put(id, new Member(id, modeBeatFolder[0], Long.parseLong(modeBeatFolder[1]),
                                modeBeatFolder[2], r.value3()));
                    }
                });
        return members;
    }
}
