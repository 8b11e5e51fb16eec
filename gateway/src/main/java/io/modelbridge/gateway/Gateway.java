package io.modelbridge.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.bucket4j.TimeMeter;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.modelbridge.db.Database;
import io.modelbridge.db.DbSettings;
import io.modelbridge.db.repo.AliasRepository;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.db.repo.ChannelRepository;
import io.modelbridge.db.repo.LimitRepository;
import io.modelbridge.db.repo.PriceRepository;
import io.modelbridge.db.repo.QuotaLeaseRepository;
import io.modelbridge.db.repo.UsageRepository;
import io.modelbridge.db.repo.UsageRetention;
import io.modelbridge.gateway.admin.AdminApi;
import io.modelbridge.gateway.auth.KeyAuthenticator;
import io.modelbridge.gateway.auth.LastUsedTracker;
import io.modelbridge.gateway.cluster.ChangeFeed;
import io.modelbridge.gateway.cluster.ChangeListener;
import io.modelbridge.gateway.cluster.InstanceClaim;
import io.modelbridge.gateway.cluster.InstanceIdentity;
import io.modelbridge.gateway.config.ControlConfig;
import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.gateway.config.SecretFiles;
import io.modelbridge.gateway.crypto.CredentialCipher;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.error.TransportErrors;
import io.modelbridge.gateway.health.DatabaseHealth;
import io.modelbridge.gateway.health.LedgerBacklog;
import io.modelbridge.gateway.http.ApiServices;
import io.modelbridge.gateway.http.ConnectionReuse;
import io.modelbridge.gateway.http.InFlight;
import io.modelbridge.gateway.http.OpenAiRoutes;
import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.gateway.limits.RateLimiter;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.metrics.GaugeSources;
import io.modelbridge.gateway.metrics.MetricRegistry;
import io.modelbridge.gateway.metrics.RuntimeMeters;
import io.modelbridge.gateway.pipeline.Admission;
import io.modelbridge.gateway.pipeline.ChannelProbe;
import io.modelbridge.gateway.pipeline.Failover;
import io.modelbridge.gateway.plugin.PluginHost;
import io.modelbridge.gateway.portal.Portal;
import io.modelbridge.gateway.quota.PriceBook;
import io.modelbridge.gateway.quota.Quotas;
import io.modelbridge.gateway.responses.PostgresResponseStore;
import io.modelbridge.gateway.routing.CircuitBreakers;
import io.modelbridge.gateway.routing.RouteLoader;
import io.modelbridge.gateway.routing.RouteTable;
import io.modelbridge.gateway.upstream.UpstreamClients;
import io.modelbridge.gateway.usage.TokenCounter;
import io.modelbridge.gateway.usage.UsageRecorder;
import io.modelbridge.gateway.usage.UsageSweep;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The composition root: builds the object graph by hand, starts both listeners, and stops in order. */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private final GatewayConfig config;
    private final Database db;
    private final DatabaseHealth dbHealth;
    private final PluginHost plugins;
    private final UpstreamClients upstream = new UpstreamClients();
    private final UsageRecorder usage;
    private final LastUsedTracker lastUsed;
    private final InFlight inFlight;
    private final RateLimiter limits;
    private final Quotas quotas;
    private final ChangeFeed changeFeed;
    private final String instanceId;
    private final InstanceClaim claim;
    private final Portal portal;
    private final PublicListener publicListener;
    private final WebServer adminServer;
    private final GatewayMetrics metrics;
    private final RuntimeMeters runtimeMeters;
    private final PostgresResponseStore storedResponses;
    private final UsageSweep usageSweep;
    private long nextBucketCleanup;
    private long nextResponseSweep;
    /** Set once both listeners are up: /readyz is 503 before, so nothing waiting on it races the admin listener. */
    private volatile boolean listening;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("gateway-background").unstarted(r));
    /**
     * The minutely sweeps, apart from {@link #background}: a sweep may run long, so its statements keep the driver's
     * 45 s socket timeout, and the key last-used flush and the lease recovery must not wait behind one that is silent.
     */
    private final ScheduledExecutorService sweeps = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("gateway-sweeps").unstarted(r));
    /** The quota lease heartbeat, alone: plugin loading or a slow flush on the background thread cannot delay it. */
    private final ScheduledExecutorService leaseHeartbeat = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("quota-lease-heartbeat").unstarted(r));

    /** Helidon's default is 4 KiB, per open stream; SSE events are a few hundred bytes. */
    static final int STREAM_WRITE_BUFFER_BYTES = 1024;
    /** Under the data folder: usage and ledger rows kept while the database cannot take them. */
    static final String SPILL_DIR = "spill";
    private static final Duration SHUTDOWN_GRACE = Duration.ofMillis(500);

    /** {@code started} collects what must be closed if a later step of the start fails. */
    private Gateway(GatewayConfig config, Deque<AutoCloseable> started) {
        this.config = config;
        ListenPorts.requireFree("OpenAI API", config.host(), config.port());
        ListenPorts.requireFree("admin API", config.adminHost(), config.adminPort());
        Clock clock = Clock.systemUTC();
        // A shared buffer pool instead of Jackson's default thread-local one: every virtual thread that writes JSON
        // would otherwise keep its own ~10 KiB of buffers for as long as it lives, i.e. for the whole of a stream.
        ObjectMapper json = JsonMapper.builder(JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build()).build();
        ErrorWriter errors = new ErrorWriter(json);
        BodyMemory bodyMemory = new BodyMemory(config.listener().bodyMemory());
        String adminToken = SecretFiles.adminToken(config);
        CredentialCipher cipher = new CredentialCipher(SecretFiles.masterKey(config));
        this.instanceId = InstanceIdentity.of(config);
        this.db = Database.start(new DbSettings(config.dbUrl().orElse(null), config.dbUser(), config.dbPassword(),
                config.dataDir(), config.dbPoolSize(), instanceId));
        started.push(db);
        this.claim = claim(db, instanceId, config.control().limitsMode(), config.dataDir());
        started.push(claim::release);
        // From now on: a start that takes long (plugins) must not look like a crashed run to a twin starting meanwhile.
        leaseHeartbeat.scheduleWithFixedDelay(() -> step("instance heartbeat", claim::beat),
                InstanceClaim.BEAT_EVERY.toMillis(), InstanceClaim.BEAT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        started.push(leaseHeartbeat::shutdownNow);
        this.dbHealth = new DatabaseHealth(db, Duration.ofMillis(500));
        started.push(dbHealth::close);
        this.plugins = new PluginHost(config.pluginsDir(), config.plugins());
        started.push(plugins);
        plugins.loadAll();
        ControlConfig control = config.control();
        ApiKeyRepository keys = new ApiKeyRepository(db.dsl());
        RouteLoader routeLoader = new RouteLoader(new ChannelRepository(db.dsl()), new AliasRepository(db.dsl()), cipher);
        AtomicReference<RouteTable> routes = new AtomicReference<>(routeLoader.load());
        CircuitBreakers breakers = new CircuitBreakers(control.breakerFailures(), control.breakerOpen(), clock);
        this.lastUsed = new LastUsedTracker(keys);
        KeyAuthenticator auth = new KeyAuthenticator(keys, clock, lastUsed);
        this.usage = new UsageRecorder(new UsageRepository(db.dsl()), new QuotaLeaseRepository(db.dsl()), 100_000,
                config.dataDir().resolve(SPILL_DIR).resolve("usage.jsonl"));
        this.inFlight = new InFlight(errors);
        LimitRepository limitRows = new LimitRepository(db.dsl());
        this.metrics = new GatewayMetrics();
        started.push(metrics);
        this.runtimeMeters = RuntimeMeters.bind(metrics, db.dataSource());
        started.push(runtimeMeters);
        // half the pool at most for buckets, so quota, ledger and key look-ups still get connections under load
        this.limits = control.redisLimits().isPresent()
                ? RateLimiter.redis(limitRows::list, control.redisLimits().get(), control.limitsFailOpen(),
                        metrics::rateLimitStoreFailure)
                : control.distributedLimits()
                ? RateLimiter.distributed(limitRows::list, db.dataSource(), config.dbPoolSize() / 2,
                        control.limitsFailOpen(), metrics::rateLimitStoreFailure)
                : RateLimiter.local(limitRows::list, TimeMeter.SYSTEM_MILLISECONDS);
        started.push(limits);
        PriceBook prices = new PriceBook(new PriceRepository(db.dsl()));
        this.quotas = new Quotas(db.dsl(), usage, instanceId, control.leaseCredits(), clock,
                config.dataDir().resolve(SPILL_DIR).resolve("ledger.jsonl"));
        quotas.recoverOwn();
        ChangeListener changes = ChangeListener.serialized(topic -> {
            switch (topic) {
                case KEYS, USERS -> auth.invalidateAll();
                case QUOTA -> quotas.releaseAll();
                case ROUTES -> {
                    RouteTable before = routes.get();
                    RouteTable after = routeLoader.load();
                    routes.set(after);
                    breakers.reconcile(before.channels(), after.channels());
                }
                case LIMITS -> limits.reload();
                case PRICES -> prices.reload();
            }
        });
        this.changeFeed = new ChangeFeed(db, changes).start();
        started.push(changeFeed::close);
        GaugeSources.register(metrics, routes::get, breakers, plugins, usage, dbHealth, inFlight);
        metrics.gauge("modelbridge_quota_ledger_write_backlog",
                "Usage rows (they carry the quota charges) and lease closes not yet in the database (queued, or kept "
                        + "for a retry)",
                () -> (double) quotas.ledgerBacklog());
        LedgerBacklog ledgerBacklog = new LedgerBacklog(quotas::ledgerBacklogAge, quotas::ledgerBacklog);
        metrics.gauge("modelbridge_quota_ledger_write_backlog_age_seconds",
                "How long the oldest of those has waited (0 when none)",
                () -> ledgerBacklog.age().toMillis() / 1000.0);
        Failover failover = new Failover(plugins::acquire, upstream, clock, config.maxAttempts(), config.requestTimeout(), breakers,
                metrics);
        this.storedResponses = new PostgresResponseStore(db.dsl(), config.responses(), clock);
        this.usageSweep = new UsageSweep(new UsageRetention(db.dsl()), config.usageRetention(), clock);
        ApiServices services = new ApiServices(auth, routes::get,
                new Admission(limits, prices, quotas, usage, control.defaultMaxTokens(), metrics), failover,
                usage, new TokenCounter(), errors, json, clock, config.maxBodyBytes(), metrics, config.responseProfile(),
                config.listener().edge().exposeRouting(), storedResponses, bodyMemory);
        metrics.gauge("modelbridge_body_bytes_held", "Request bodies, whole upstream answers and replayed "
                + "conversations held in memory now, all requests together (at most MB_BODY_MEMORY_BYTES)",
                () -> (double) bodyMemory.held());
        ChannelProbe probe = new ChannelProbe(plugins, upstream, routeLoader, breakers, clock, config.requestTimeout());
        this.portal = new Portal(db, changes, json, config.portal(), () -> routes.get().aliasNames(), clock);
        AdminApi admin = new AdminApi(db, cipher, plugins, probe, changes, json, errors, adminToken, clock);
        // The admin API first: once the public port answers, so does the admin port.
        this.adminServer = WebServer.builder()
                .host(config.adminHost())
                .port(config.adminPort())
                .shutdownGracePeriod(SHUTDOWN_GRACE)
                .directHandlers(TransportErrors.handlers(errors))
                .routing(r -> {
                    admin.register(r);
                    r.get("/metrics", (req, res) -> {
                        String accept = req.headers().first(HeaderNames.ACCEPT).orElse(null);
                        res.header(HeaderNames.CONTENT_TYPE, MetricRegistry.contentType(accept))
                                .send(metrics.scrape(accept));
                    });
                })
                .build()
                .start();
        started.push(adminServer::stop);
        if (!adminServer.isRunning()) {
            throw new IllegalStateException("The admin API listener could not bind " + config.adminHost() + ":"
                    + config.adminPort());
        }
        this.publicListener = new PublicListener(config.host(), config.port(), config.listener(), SHUTDOWN_GRACE,
                TransportErrors.handlers(errors), r -> {
                    r.addFilter(new ConnectionReuse());
                    new OpenAiRoutes(services, inFlight, () -> listening && dbHealth.up() && ledgerBacklog.fresh(),
                            config.listener().edge()).register(r);
                    portal.register(r);
                });
        started.push(publicListener);
        nextBucketCleanup = System.nanoTime();
        nextResponseSweep = System.nanoTime();
        background.scheduleWithFixedDelay(this::housekeeping, 250, 250, TimeUnit.MILLISECONDS);
        sweeps.scheduleWithFixedDelay(this::sweep, 250, 250, TimeUnit.MILLISECONDS);
        leaseHeartbeat.scheduleWithFixedDelay(() -> {
            step("idle quota leases", quotas::returnIdle);
            step("quota lease heartbeat", quotas::heartbeat);
        }, 250, 250, TimeUnit.MILLISECONDS);
        listening = true;
        LOG.info("ModelBridge instance {} listening: OpenAI API on http://{}:{}/v1, admin API on http://{}:{}/admin/v1"
                + " (rate limits {}; at most {} client connections, idle ones closed after {} s)", instanceId,
                config.host(), publicListener.port(), config.adminHost(), adminServer.port(),
                control.redisLimits().map(r -> "in " + r).orElse(control.limitsMode()),
                config.listener().maxConnections(),
                config.listener().idleTimeout().toSeconds());
    }

    /** Takes the instance id for this run (see {@link InstanceClaim}). */
    private static InstanceClaim claim(Database db, String instanceId, String mode, java.nio.file.Path dataDir) {
        try {
            return InstanceClaim.claim(db.dsl(), instanceId, mode, dataDir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting", e);
        }
    }

    /** Starts everything, or throws after closing what it had started (the embedded database too). */
    public static Gateway start(GatewayConfig config) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            return new Gateway(config, started);
        } catch (RuntimeException | Error e) {
            for (AutoCloseable part : started) {
                try {
                    part.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public int port() {
        return publicListener.port();
    }

    public int adminPort() {
        return adminServer.port();
    }

    /** The JDBC URL of the database, for another instance to share it. */
    public String jdbcUrl() {
        return db.jdbcUrl();
    }

    public String dbUser() {
        return db.user();
    }

    /** The password {@link #dbUser()} logs in with (generated for the embedded database). */
    public String dbPassword() {
        return db.password();
    }

    /** The name this instance holds quota leases under. */
    public String instanceId() {
        return instanceId;
    }

    private void housekeeping() {
        step("key last-used", lastUsed::flush);
        step("quota lease recovery", quotas::recoverExpired);
    }

    private void sweep() {
        if (System.nanoTime() - nextBucketCleanup >= 0) {
            nextBucketCleanup = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            step("rate-limit buckets", limits::removeExpired);
            step("portal sessions", portal::housekeeping);
        }
        if (System.nanoTime() - nextResponseSweep >= 0) {
            nextResponseSweep = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            step("stored responses", this::sweepStoredResponses);
        }
        step("usage retention", usageSweep::tick);
    }

    /**
     * Removes stored responses past their retention: a bounded sweep a minute, or at the next tick while a sweep
     * still finds its bound's worth (a backlog drains without holding the sweeps thread).
     */
    private void sweepStoredResponses() {
        int removed = storedResponses.sweep();
        if (removed > 0) {
            LOG.info("Removed {} stored response(s) past their retention", removed);
        }
        if (removed >= PostgresResponseStore.SWEEP_LIMIT) {
            nextResponseSweep = System.nanoTime();
        }
    }

    /** Only when the stop left nothing behind: no row waiting in the spill file or memory, no request running. */
    private void markUsageWritten() {
        if (usage.backlog() == 0 && inFlight.count() == 0) {
            quotas.markAllUsageWritten();
        }
    }

    /**
     * Runs one step of a periodic task; nothing it throws leaves, an Error neither: a scheduled task that throws is
     * cancelled for good, silently (pgjdbc throws an AssertionError, under -ea, from a batch whose connection was cut:
     * a last-used flush on a silenced connection once stopped every later lease return).
     */
    static void step(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            LOG.warn("Housekeeping ({}) failed: {}", what, e.toString());
        }
    }

    /**
     * Graceful stop: /readyz turns 503 while requests are still served for MB_DRAIN_DELAY_SECONDS (load balancers take
     * the instance out), then new requests get 503 and those in flight (streams too) finish within the grace period.
     */
    public void drainAndClose() {
        try {
            Duration delay = config.listener().drainDelay();
            if (delay.isPositive()) {
                inFlight.leave();
                LOG.info("Not ready (/readyz answers 503); still serving for {} s before draining", delay.toSeconds());
                Thread.sleep(delay.toMillis());
            }
            LOG.info("Draining {} request(s) in flight (grace {} s)", inFlight.count(), config.drainGrace().toSeconds());
            if (!inFlight.drain(config.drainGrace())) {
                LOG.warn("{} request(s) still in flight after the grace period; stopping anyway", inFlight.count());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Closes everything, in order, even past a step that fails (each failure is logged). */
    @Override
    public void close() {
        boolean clean = new StopSteps(LOG)
                .then("background tasks", background::shutdownNow)
                .then("sweeps", sweeps::shutdownNow)
                .then("lease heartbeat", leaseHeartbeat::shutdownNow)
                .then("public listener", publicListener::close)
                .then("admin listener", adminServer::stop)
                .then("portal", portal::close)
                .then("change feed", changeFeed::close)
                .then("last-used times", lastUsed::flush)
                .then("quota leases", quotas::close) // returns the leases: their closes queue behind their usage rows
                .then("usage rows", usage::close)
                .then("usage written mark", this::markUsageWritten)
                .then("instance id release", claim::release)
                .then("rate limits", limits::close)
                .then("plugins", plugins::close)
                .then("upstream connections", upstream::close)
                .then("database health check", dbHealth::close)
                .then("runtime meters", runtimeMeters::close)
                .then("database", db::close)
                .then("metrics", metrics::close)
                .run();
        LOG.info(clean ? "ModelBridge stopped" : "ModelBridge stopped, with the failures above");
    }
}
