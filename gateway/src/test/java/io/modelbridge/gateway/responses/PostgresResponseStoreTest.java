package io.modelbridge.gateway.responses;

import static io.modelbridge.db.jooq.Tables.STORED_RESPONSES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.config.ResponsesConfig;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.gateway.pipeline.RequestContext;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store over a real embedded PostgreSQL: a response is its owner's alone, disappears with its retention and its
 * user, a conversation comes back oldest first within its bounds, and the sweep deletes only what expired.
 */
@Timeout(120)
class PostgresResponseStoreTest {
    private static final Instant START = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(30);
    private static final AtomicLong NEXT = new AtomicLong();
    @TempDir
    static Path dir;
    static Database db;
    private final MovableClock clock = new MovableClock();
    private PostgresResponseStore store;
    private long alice;
    private long bob;

    @BeforeAll
    static void start() {
        db = Database.start(DbSettings.embedded(dir.resolve("data")));
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @BeforeEach
    void twoUsers() {
        store = new PostgresResponseStore(db.dsl(), new ResponsesConfig(RETENTION, 1024), clock);
        alice = user("alice");
        bob = user("bob");
    }

    @Test
    void theOwnerReadsTheResponseByteForByteAsItWasSaved() {
        String response = "{\"id\":\"resp_1\",  \"object\":\"response\",\"output\":[ ],\"z\":1,\"a\":\"é\"}";
        StoredResponse saved = new StoredResponse(id(), alice, 7, "gpt-x", null,
                "[{\"id\":\"msg_1\",\"type\":\"message\"}]", response, START);
        assertTrue(store.save(saved));
        assertEquals(Optional.of(saved), store.find(saved.id(), alice));
    }

    @Test
    void anotherUsersResponseIsAbsentForReadingChainingAndDeleting() {
        StoredResponse theirs = save(alice, null);
        assertEquals(Optional.empty(), store.find(theirs.id(), bob));
        assertEquals(List.of(), store.conversation(theirs.id(), bob));
        assertFalse(store.delete(theirs.id(), bob));
        assertTrue(store.find(theirs.id(), alice).isPresent(), "bob's delete must not touch alice's response");
        // bob continuing alice's id gets only his own response back: her turn is not part of his conversation
        StoredResponse his = save(bob, theirs.id());
        assertEquals(List.of(his), store.conversation(his.id(), bob));
    }

    @Test
    void aResponsePastItsRetentionIsAbsentThoughNotYetSwept() {
        StoredResponse r = save(alice, null);
        clock.now = START.plus(RETENTION).minusSeconds(1);
        assertTrue(store.find(r.id(), alice).isPresent());
        clock.now = START.plus(RETENTION);
        assertEquals(Optional.empty(), store.find(r.id(), alice));
        assertEquals(List.of(), store.conversation(r.id(), alice));
        assertFalse(store.delete(r.id(), alice));
        assertEquals(1, rows(r.id()), "still in the table until the sweep");
    }

    @Test
    void theSweepDeletesExpiredResponsesAndKeepsTheRest() {
        StoredResponse old = save(alice, null);
        clock.now = START.plus(Duration.ofDays(1));
        StoredResponse newer = save(alice, null);
        clock.now = START.plus(RETENTION).plusSeconds(1);
        int removed = store.sweep();
        assertTrue(removed >= 1, "removed " + removed);
        assertEquals(0, rows(old.id()));
        assertEquals(1, rows(newer.id()));
        assertEquals(Optional.of(newer), store.find(newer.id(), alice));
    }

    @Test
    void theSweepDeletesMoreThanOneBatch() {
        clock.now = START.minus(Duration.ofDays(400)); // expired before every other test's rows
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < PostgresResponseStore.SWEEP_BATCH + 20; i++) {
            ids.add(save(bob, null).id());
        }
        clock.now = START.minus(Duration.ofDays(300));
        StoredResponse kept = save(bob, null);
        assertEquals(PostgresResponseStore.SWEEP_BATCH + 20, store.sweep());
        assertEquals(0, db.dsl().fetchCount(STORED_RESPONSES, STORED_RESPONSES.ID.in(ids)));
        assertEquals(1, rows(kept.id()));
    }

    @Test
    void aConversationComesBackOldestFirstFromAnyOfItsResponses() {
        StoredResponse first = save(alice, null);
        StoredResponse second = save(alice, first.id());
        StoredResponse third = save(alice, second.id());
        save(alice, second.id()); // a branch from the second turn: not part of the third's conversation
        assertEquals(List.of(first, second, third), store.conversation(third.id(), alice));
        assertEquals(List.of(first, second), store.conversation(second.id(), alice));
        assertEquals(List.of(), store.conversation("resp_absent", alice));
    }

    @Test
    void aConversationEndsWhereAnEarlierResponseWasDeleted() {
        StoredResponse first = save(alice, null);
        StoredResponse second = save(alice, first.id());
        StoredResponse third = save(alice, second.id());
        assertTrue(store.delete(second.id(), alice));
        assertEquals(List.of(third), store.conversation(third.id(), alice));
    }

    @Test
    void aConversationLongerThanTheBoundIsA400() {
        store = new PostgresResponseStore(db.dsl(), new ResponsesConfig(RETENTION, 64 * 1024), clock); // bytes aside
        StoredResponse last = null;
        for (int i = 0; i < ResponsesConfig.CONVERSATION_LENGTH; i++) {
            last = save(alice, last == null ? null : last.id());
        }
        assertEquals(ResponsesConfig.CONVERSATION_LENGTH, store.conversation(last.id(), alice).size());
        StoredResponse oneMore = save(alice, last.id());
        GatewayException e = assertThrows(GatewayException.class, () -> store.conversation(oneMore.id(), alice));
        assertEquals(400, e.error().status());
        assertEquals("previous_response_id", e.error().param());
    }

    @Test
    void aConversationLargerThanItsByteBoundIsA400() {
        // each response ~1000 bytes; the bound is 8 x 1024
        StoredResponse last = null;
        for (int i = 0; i < 8; i++) {
            last = save(alice, last == null ? null : last.id(), 1000);
        }
        assertEquals(8, store.conversation(last.id(), alice).size());
        StoredResponse ninth = save(alice, last.id(), 1000);
        GatewayException e = assertThrows(GatewayException.class, () -> store.conversation(ninth.id(), alice));
        assertEquals(400, e.error().status());
    }

    /** A replay takes its room from the request's body memory before it is read: past it, 503 server_busy. */
    @Test
    void aConversationReplayTakesItsRoomFromTheBodyMemory() {
        StoredResponse last = null;
        for (int i = 0; i < 4; i++) {
            last = save(alice, last == null ? null : last.id(), 1000);
        }
        String id = last.id();
        BodyMemory memory = new BodyMemory(3_500);
        try (BodyMemory.Hold hold = memory.hold(); RequestContext.Scope scope = RequestContext.open("req_x", hold)) {
            GatewayException e = assertThrows(GatewayException.class, () -> store.conversation(id, alice));
            assertEquals(503, e.error().status());
            assertEquals("server_busy", e.error().code());
        }
        memory = new BodyMemory(4_000);
        try (BodyMemory.Hold hold = memory.hold(); RequestContext.Scope scope = RequestContext.open("req_y", hold)) {
            assertEquals(4, store.conversation(id, alice).size());
            assertEquals(4_000, memory.held(), "held until the request ends");
        }
        assertEquals(0, memory.held());
    }

    @Test
    void aResponseOverTheSizeCapIsNotKept() {
        StoredResponse big = response(alice, null, 1025);
        assertFalse(store.save(big));
        assertEquals(Optional.empty(), store.find(big.id(), alice));
        assertTrue(store.save(response(alice, null, 1024)));
    }

    @Test
    void aRetentionOfZeroKeepsNothing() {
        PostgresResponseStore off = new PostgresResponseStore(db.dsl(), new ResponsesConfig(Duration.ZERO, 1024), clock);
        StoredResponse r = response(alice, null, 100);
        assertFalse(off.save(r));
        assertEquals(0, rows(r.id()));
    }

    @Test
    void theOwnerDeletesOnce() {
        StoredResponse r = save(alice, null);
        assertTrue(store.delete(r.id(), alice));
        assertEquals(Optional.empty(), store.find(r.id(), alice));
        assertFalse(store.delete(r.id(), alice));
    }

    @Test
    void deletingTheUserDeletesTheirResponses() {
        long carol = user("carol");
        StoredResponse r = save(carol, null);
        assertTrue(new UserRepository(db.dsl()).find(carol).map(u -> new UserRepository(db.dsl()).delete(u.name()))
                .orElseThrow());
        assertEquals(0, rows(r.id()));
    }

    private StoredResponse save(long userId, String previous) {
        return save(userId, previous, 100);
    }

    private StoredResponse save(long userId, String previous, int bytes) {
        StoredResponse r = response(userId, previous, bytes);
        assertTrue(store.save(r));
        return r;
    }

    /** A response whose input and response JSON are {@code bytes} UTF-8 bytes together. */
    private StoredResponse response(long userId, String previous, int bytes) {
        String id = id();
        String input = "[]";
        String prefix = "{\"id\":\"" + id + "\",\"pad\":\"";
        String response = prefix + "x".repeat(bytes - input.length() - prefix.length() - 2) + "\"}";
        return new StoredResponse(id, userId, 1, "gpt-x", previous, input, response, clock.now);
    }

    private static String id() {
        return "resp_" + NEXT.incrementAndGet() + "_" + System.nanoTime();
    }

    private static long user(String prefix) {
        return new UserRepository(db.dsl()).create(prefix + NEXT.incrementAndGet(), null, "user", true).id();
    }

    private static int rows(String id) {
        return db.dsl().fetchCount(STORED_RESPONSES, STORED_RESPONSES.ID.eq(id));
    }

    private static final class MovableClock extends Clock {
        volatile Instant now = START;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
