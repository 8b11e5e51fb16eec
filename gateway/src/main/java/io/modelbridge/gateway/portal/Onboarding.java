package io.modelbridge.gateway.portal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.db.repo.ApiKey;
import io.modelbridge.db.repo.ApiKeyEntry;
import io.modelbridge.db.repo.ApiKeyRepository;
import io.modelbridge.db.repo.KeySettings;
import io.modelbridge.db.repo.LimitRepository;
import io.modelbridge.db.repo.NewApiKey;
import io.modelbridge.db.repo.PortalAccount;
import io.modelbridge.db.repo.PortalAccountRepository;
import io.modelbridge.db.repo.PortalSettings;
import io.modelbridge.db.repo.PortalSettingsRepository;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.db.repo.RateLimit;
import io.modelbridge.db.repo.User;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.http.ResponseProfile;
import io.modelbridge.gateway.admin.Changes;
import io.modelbridge.gateway.admin.KeySecrets;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jooq.DSLContext;

/**
 * What a confirmed address turns into, in the transaction that accepts its code: a user with the portal's free
 * quota and limits, and a first API key for the aliases a newcomer may use. Announced like an admin change, so
 * every gateway instance knows the key at once.
 */
final class Onboarding {
    private static final Pattern NOT_IN_NAMES = Pattern.compile("[^A-Za-z0-9._:@-]");
    private final Changes changes;
    private final ObjectMapper json;
    private final Clock clock;

    Onboarding(Changes changes, ObjectMapper json, Clock clock) {
        this.changes = changes;
        this.json = json;
        this.clock = clock;
    }

    /** The user made for a confirmed account, and the secret of its first key (shown once). */
    record Welcome(User user, long accountId, String firstKey) {}

    /** Turns the account, whose code was just accepted, into a user with a first key. */
    Welcome welcome(PortalAccount account) {
        return changes.apply(Set.of(Topic.USERS, Topic.KEYS, Topic.LIMITS, Topic.QUOTA), (tx, audit) -> {
            PortalSettings settings = new PortalSettingsRepository(tx).get();
            UserRepository users = new UserRepository(tx);
            User user = users.create(freeName(users, account.email()), account.email(), "user", true);
            if (settings.freeQuota().signum() > 0) {
                new QuotaRepository(tx).post(user.id(), "grant", settings.freeQuota(), null, "portal sign-up");
            }
            if (settings.rpm() != null || settings.tpm() != null) {
                new LimitRepository(tx).put(new RateLimit("user", user.name(), settings.rpm(), settings.tpm()));
            }
            if (!new PortalAccountRepository(tx).confirm(account.id(), user.id(), clock.instant())) {
                throw new IllegalStateException("account " + account.id() + " was confirmed by another request");
            }
            String secret = KeySecrets.generate();
            createKey(tx, user.id(), secret, "first key", settings.models());
            ObjectNode detail = json.createObjectNode().put("email", account.email())
                    .put("free_quota", settings.freeQuota());
            audit.record("portal.signup", "user", user.name(), detail);
            return new Welcome(users.find(user.id()).orElseThrow(), account.id(), secret);
        });
    }

    /** A key the user makes on the dashboard; returns its secret, shown once. */
    String newKey(long userId, String userName, String label) {
        return changes.apply(Topic.KEYS, (tx, audit) -> {
            String secret = KeySecrets.generate();
            List<String> models = new PortalSettingsRepository(tx).get().models();
            ApiKeyEntry key = createKey(tx, userId, secret, label, models);
            audit.record("key.create", "api_key", String.valueOf(key.key().id()),
                    json.createObjectNode().put("user", userName).put("label", label));
            return secret;
        });
    }

    /** Renames one of the user's own keys; false when the user has no such key. */
    boolean relabelKey(long userId, long keyId, String label) {
        return changes.apply(Topic.KEYS, (tx, audit) -> {
            ApiKeyRepository keys = new ApiKeyRepository(tx);
            Optional<ApiKeyEntry> own = own(keys, userId, keyId);
            own.ifPresent(e -> {
                ApiKey k = e.key();
                keys.update(keyId, new KeySettings(label, k.allowedModels(), k.allowedCidrs(), k.expiresAt(),
                        e.keyEnabled(), k.rpm(), k.tpm(), k.responseProfile()));
                audit.record("key.update", "api_key", String.valueOf(keyId),
                        json.createObjectNode().put("label", label));
            });
            return own.isPresent();
        });
    }

    /**
     * Sets the response profile of one of the user's own keys (null: the operator's default); false when the user has
     * no such key.
     */
    boolean setKeyProfile(long userId, long keyId, ResponseProfile profile) {
        String name = profile == null ? null : profile.wireName();
        return changes.apply(Topic.KEYS, (tx, audit) -> {
            ApiKeyRepository keys = new ApiKeyRepository(tx);
            Optional<ApiKeyEntry> own = own(keys, userId, keyId);
            own.ifPresent(e -> {
                ApiKey k = e.key();
                keys.update(keyId, new KeySettings(k.label(), k.allowedModels(), k.allowedCidrs(), k.expiresAt(),
                        e.keyEnabled(), k.rpm(), k.tpm(), name));
                audit.record("key.update", "api_key", String.valueOf(keyId),
                        json.createObjectNode().put("response_profile", name));
            });
            return own.isPresent();
        });
    }

    /** Revokes one of the user's own keys; false when the user has no such key. */
    boolean revokeKey(long userId, long keyId) {
        return changes.apply(Topic.KEYS, (tx, audit) -> {
            ApiKeyRepository keys = new ApiKeyRepository(tx);
            boolean own = own(keys, userId, keyId).isPresent();
            if (own && keys.revoke(keyId, clock.instant())) {
                audit.record("key.revoke", "api_key", String.valueOf(keyId), json.createObjectNode());
            }
            return own;
        });
    }

    /** The key if it is the user's own: nobody changes another user's keys. */
    private static Optional<ApiKeyEntry> own(ApiKeyRepository keys, long userId, long keyId) {
        return keys.find(keyId).filter(k -> k.key().userId() == userId);
    }

    private static ApiKeyEntry createKey(DSLContext tx, long userId, String secret, String label, List<String> models) {
        return new ApiKeyRepository(tx).create(new NewApiKey(userId, KeySecrets.prefix(secret),
                KeySecrets.sha256(secret), label, models, List.of(), null, null, null));
    }

    /** The email as the user's name where it is a valid, free name; otherwise a cleaned form with a number. */
    private static String freeName(UserRepository users, String email) {
        String base = NOT_IN_NAMES.matcher(email).replaceAll("-");
        base = base.substring(0, Math.min(base.length(), 100));
        if (!Character.isLetterOrDigit(base.charAt(0))) {
            base = "u" + base;
        }
        String name = base;
        for (int n = 2; users.find(name).isPresent(); n++) {
            name = base + "-" + n;
        }
        return name;
    }
}
