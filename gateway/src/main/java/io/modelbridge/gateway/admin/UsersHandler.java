package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.QuotaRepository;
import io.modelbridge.db.repo.User;
import io.modelbridge.db.repo.UserRepository;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.math.BigDecimal;
import java.util.Set;

/** /users: create, list, show, update, delete. */
final class UsersHandler {
    private static final Set<String> CREATE = Set.of("name", "email", "role", "enabled", "quota");
    private static final Set<String> PATCH = Set.of("email", "role", "enabled");
    private final AdminDeps deps;

    UsersHandler(AdminDeps deps) {
        this.deps = deps;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.post("/users", guard.wrap(this::create))
                .get("/users", guard.wrap(this::list))
                .get("/users/{name}", guard.wrap(this::show))
                .patch("/users/{name}", guard.wrap(this::update))
                .delete("/users/{name}", guard.wrap(this::delete));
    }

    private void create(ServerRequest req, ServerResponse res) {
        JsonBody body = deps.body(req, CREATE);
        String name = FieldValidation.name(body.requireText("name"), "name");
        String email = body.text("email").orElse(null);
        String role = FieldValidation.oneOf(body.text("role").orElse("user"), "role", "user", "admin");
        boolean enabled = body.bool("enabled").orElse(true);
        BigDecimal quota = FieldValidation.credits(body.decimal("quota").orElse(BigDecimal.ZERO), "quota");
        User user = deps.changes().apply(Topic.USERS, (tx, audit) -> {
            User created = new UserRepository(tx).create(name, email, role, enabled);
            if (quota.signum() > 0) {
                new QuotaRepository(tx).post(created.id(), "grant", quota, null, "initial quota");
            }
            audit.record("user.create", "user", name, view(created).put("quota", quota));
            return new UserRepository(tx).find(created.id()).orElseThrow();
        });
        deps.responses().created(res, view(user));
    }

    private void list(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, deps.responses().list(new UserRepository(deps.db().dsl()).list(), this::view));
    }

    private void show(ServerRequest req, ServerResponse res) {
        deps.responses().ok(res, view(find(new UserRepository(deps.db().dsl()), AdminDeps.pathParam(req, "name"))));
    }

    private void update(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        JsonBody body = deps.body(req, PATCH);
        User user = deps.changes().apply(Topic.USERS, (tx, audit) -> {
            UserRepository users = new UserRepository(tx);
            User current = find(users, name);
            String email = body.has("email") ? body.text("email").orElse(null) : current.email();
            String role = body.hasValue("role") ? FieldValidation.oneOf(body.text("role").orElseThrow(), "role",
                    "user", "admin") : current.role();
            boolean enabled = body.bool("enabled").orElse(current.enabled());
            users.update(current.id(), email, role, enabled);
            User updated = users.find(current.id()).orElseThrow();
            audit.record("user.update", "user", name, view(updated));
            return updated;
        });
        deps.responses().ok(res, view(user));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        deps.changes().apply(Set.of(Topic.USERS, Topic.KEYS), (tx, audit) -> {
            if (!new UserRepository(tx).delete(name)) {
                throw FieldValidation.notFound("user", name);
            }
            audit.record("user.delete", "user", name, deps.responses().node());
            return null;
        });
        deps.responses().ok(res, deps.responses().deleted("user", name));
    }

    static User find(UserRepository users, String name) {
        return users.find(name).orElseThrow(() -> FieldValidation.notFound("user", name));
    }

    ObjectNode view(User u) {
        ObjectNode node = deps.responses().object("user").put("id", u.id()).put("name", u.name())
                .put("email", u.email()).put("role", u.role()).put("enabled", u.enabled());
        JsonResponses.put(node, "quota_balance", u.quotaLeft());
        JsonResponses.put(node, "created_at", u.createdAt());
        return node;
    }
}
