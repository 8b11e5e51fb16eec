package io.modelbridge.admin.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.admin.client.AdminClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Compares an apply file with what the gateway holds and lists the changes that would make them equal, in an
 * order that works: users, channels, aliases, limits, prices, keys, then the portal's settings. Nothing is deleted:
 * objects the file does not mention stay as they are.
 */
final class Planner {
    private final AdminClient client;

    Planner(AdminClient client) {
        this.client = client;
    }

    /** @throws io.modelbridge.admin.InputException when the file names an object that will not exist */
    List<Change> plan(Manifest m, Path file) {
        Current now = Current.fetch(client, m.portal() != null);
        ManifestReferences.check(m, now, file);
        List<Change> changes = new ArrayList<>();
        m.users().forEach(u -> user(u, now).ifPresent(changes::add));
        m.channels().forEach(c -> channel(c, now).ifPresent(changes::add));
        m.aliases().forEach(a -> alias(a, now).map(c -> c.needing(a.targets().stream()
                .map(t -> "channel " + t.channel()).distinct().toList())).ifPresent(changes::add));
        m.limits().forEach(l -> limit(l, now).map(c -> "user".equals(l.scope()) ? c.needing(List.of("user " + l.name()))
                : c).ifPresent(changes::add));
        m.prices().forEach(p -> price(p, now).ifPresent(changes::add));
        m.keys().forEach(k -> key(k, now).map(c -> c.needing(List.of("user " + k.user()))).ifPresent(changes::add));
        if (m.portal() != null) {
            portal(m.portal(), now.portal()).ifPresent(changes::add);
        }
        return changes;
    }

    private Optional<Change> user(Manifest.User u, Current now) {
        JsonNode current = now.users().get(u.name());
        String path = "/users/" + AdminClient.segment(u.name());
        if (current == null) {
            ObjectNode body = AdminClient.JSON.createObjectNode().put("name", u.name());
            putIfSet(body, "email", u.email());
            putIfSet(body, "role", u.role());
            if (u.quota() != null) {
                body.put("quota", u.quota());
            }
            if (u.enabled() != null) {
                body.put("enabled", u.enabled());
            }
            return create("user", u.name(), c -> c.post("/users", body));
        }
        Patch patch = new Patch();
        patch.text("email", u.email(), current.path("email"));
        patch.text("role", u.role(), current.path("role"));
        patch.bool("enabled", u.enabled(), current.path("enabled"));
        return update("user", u.name(), patch, c -> c.patch(path, patch.body));
    }

    private Optional<Change> channel(Manifest.Channel ch, Current now) {
        JsonNode current = now.channels().get(ch.name());
        Patch patch = new Patch();
        JsonNode existing = current == null ? AdminClient.JSON.createObjectNode() : current;
        patch.text("provider", ch.provider(), existing.path("provider"));
        patch.text("base_url", ch.baseUrl(), existing.path("base_url"));
        patch.strings("models", ch.models(), existing.path("models"));
        patch.integer("priority", ch.priority(), existing.path("priority"));
        patch.integer("weight", ch.weight(), existing.path("weight"));
        patch.bool("enabled", ch.enabled(), existing.path("enabled"));
        patch.text("responses_api", ch.responsesApi(), existing.path("responses_api"));
        if (ch.credential() != null && (current == null || !credentialMatches(ch.name(), ch.credential(), current))) {
            patch.put("credential", ch.credential());
        }
        if (current == null) {
            patch.body.put("name", ch.name());
            return create("channel", ch.name(), c -> c.post("/channels", patch.body));
        }
        return update("channel", ch.name(), patch,
                c -> c.patch("/channels/" + AdminClient.segment(ch.name()), patch.body));
    }

    private boolean credentialMatches(String channel, String credential, JsonNode current) {
        if (!current.path("credential_set").asBoolean()) {
            return false;
        }
        return client.post("/channels/" + AdminClient.segment(channel) + "/credential/check",
                AdminClient.JSON.createObjectNode().put("credential", credential)).path("matches").asBoolean();
    }

    private Optional<Change> alias(Manifest.Alias a, Current now) {
        JsonNode current = now.aliases().get(a.name());
        ObjectNode body = AdminClient.JSON.createObjectNode();
        ArrayNode targets = body.putArray("targets");
        for (Manifest.Target t : a.targets()) {
            ObjectNode target = targets.addObject().put("channel", t.channel());
            putIfSet(target, "model", t.model());
            target.put("priority", t.priority() == null ? 0 : t.priority()).put("weight", t.weight() == null ? 1 : t.weight());
        }
        String description = a.description() != null ? a.description()
                : current == null ? null : current.path("description").textValue();
        putIfSet(body, "description", description);
        Change.Step put = c -> c.put("/aliases/" + AdminClient.segment(a.name()), body);
        if (current == null) {
            return create("alias", a.name(), put);
        }
        List<String> fields = new ArrayList<>();
        if (!sortedTargets(targets).equals(sortedTargets(current.path("targets")))) {
            fields.add("targets");
        }
        if (!Objects.equals(description, current.path("description").textValue())) {
            fields.add("description");
        }
        return fields.isEmpty() ? Optional.empty()
                : Optional.of(new Change("update", "alias", a.name(), fields, put));
    }

    private static List<String> sortedTargets(JsonNode targets) {
        List<String> keys = new ArrayList<>();
        targets.forEach(t -> keys.add(t.path("channel").asText() + "|" + t.path("model").asText("") + "|"
                + t.path("priority").asInt() + "|" + t.path("weight").asInt()));
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    private Optional<Change> limit(Manifest.Limit l, Current now) {
        String subject = l.name() == null ? "" : l.name();
        String name = subject.isEmpty() ? l.scope() : l.scope() + " " + subject;
        JsonNode current = now.limits().get(Current.limitKey(l.scope(), subject));
        ObjectNode body = AdminClient.JSON.createObjectNode().put("scope", l.scope()).put("subject", subject);
        List<String> fields = new ArrayList<>();
        if (l.rpm() != null) {
            body.put("rpm", l.rpm());
        }
        if (l.tpm() != null) {
            body.put("tpm", l.tpm());
        }
        if (current == null) {
            return create("limit", name, c -> c.put("/limits", body));
        }
        if (!Patch.sameInteger(l.rpm(), current.path("rpm"))) {
            fields.add("rpm");
        }
        if (!Patch.sameInteger(l.tpm(), current.path("tpm"))) {
            fields.add("tpm");
        }
        return fields.isEmpty() ? Optional.empty()
                : Optional.of(new Change("update", "limit", name, fields, c -> c.put("/limits", body)));
    }

    private Optional<Change> price(Manifest.Price p, Current now) {
        JsonNode current = now.prices().get(p.model());
        ObjectNode body = AdminClient.JSON.createObjectNode().put("input_per_1k", p.input())
                .put("output_per_1k", p.output());
        if (p.cachedInput() != null) {
            body.put("cached_input_per_1k", p.cachedInput());
        }
        Change.Step put = c -> c.put("/prices/" + AdminClient.segment(p.model()), body);
        if (current == null) {
            return create("price", p.model(), put);
        }
        List<String> fields = new ArrayList<>();
        if (!Patch.sameNumber(p.input(), current.path("input_per_1k"))) {
            fields.add("input");
        }
        JsonNode cached = current.path("cached_input_per_1k");
        if (p.cachedInput() == null ? cached.isNumber() : !Patch.sameNumber(p.cachedInput(), cached)) {
            fields.add("cached_input");
        }
        if (!Patch.sameNumber(p.output(), current.path("output_per_1k"))) {
            fields.add("output");
        }
        return fields.isEmpty() ? Optional.empty()
                : Optional.of(new Change("update", "price", p.model(), fields, put));
    }

    private Optional<Change> key(Manifest.Key k, Current now) {
        JsonNode current = now.keys().get(Current.keyKey(k.user(), k.label()));
        String name = Current.keyKey(k.user(), k.label());
        if (current == null) {
            ObjectNode body = AdminClient.JSON.createObjectNode().put("user", k.user()).put("label", k.label());
            if (k.models() != null) {
                k.models().forEach(body.putArray("models")::add);
            }
            if (k.rpm() != null) {
                body.put("rpm", k.rpm());
            }
            if (k.tpm() != null) {
                body.put("tpm", k.tpm());
            }
            return create("key", name, c -> c.post("/keys", body));
        }
        Patch patch = new Patch();
        patch.stringSet("models", k.models(), current.path("models"));
        patch.integer("rpm", k.rpm(), current.path("rpm"));
        patch.integer("tpm", k.tpm(), current.path("tpm"));
        return update("key", name, patch, c -> c.patch("/keys/" + current.path("id").asLong(), patch.body));
    }

    /** Domains are compared as the gateway keeps them (lower case), domains and models as sets. */
    private static Optional<Change> portal(Manifest.Portal p, JsonNode current) {
        Patch patch = new Patch();
        patch.text("registration", p.registration(), current.path("registration"));
        patch.stringSet("allowed_domains", p.allowedDomains() == null ? null
                : p.allowedDomains().stream().map(d -> d.strip().toLowerCase(Locale.ROOT)).toList(),
                current.path("allowed_domains"));
        patch.decimal("free_quota", p.freeQuota(), current.path("free_quota"));
        patch.integer("rpm", p.rpm(), current.path("rpm"));
        patch.integer("tpm", p.tpm(), current.path("tpm"));
        patch.stringSet("models", p.models(), current.path("models"));
        return update("portal", "settings", patch, c -> c.patch("/portal", patch.body));
    }

    private static Optional<Change> create(String kind, String name, Change.Step step) {
        return Optional.of(new Change("create", kind, name, List.of(), step));
    }

    private static Optional<Change> update(String kind, String name, Patch patch, Change.Step step) {
        return patch.isEmpty() ? Optional.empty()
                : Optional.of(new Change("update", kind, name, patch.fields, step));
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
