package io.modelbridge.gateway.admin;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.db.repo.Channel;
import io.modelbridge.db.repo.ChannelRepository;
import io.modelbridge.gateway.crypto.CredentialCipher;
import java.security.MessageDigest;
import java.util.Set;

/**
 * POST /channels/{name}/credential/check: whether the stored credential equals the one sent, compared in constant
 * time, so a declarative client ({@code mbctl apply}) can tell whether to replace it without it ever leaving the
 * gateway. Read-only: no audit row, no cache reload.
 */
final class CredentialCheckHandler {
    private static final Set<String> BODY = Set.of("credential");
    private final AdminDeps deps;
    private final CredentialCipher cipher;

    CredentialCheckHandler(AdminDeps deps, CredentialCipher cipher) {
        this.deps = deps;
        this.cipher = cipher;
    }

    void routes(HttpRules rules, Guard guard) {
        rules.post("/channels/{name}/credential/check", guard.wrap(this::check));
    }

    private void check(ServerRequest req, ServerResponse res) {
        String name = AdminDeps.pathParam(req, "name");
        String candidate = deps.body(req, BODY).requireText("credential");
        Channel channel = new ChannelRepository(deps.db().dsl()).find(name)
                .orElseThrow(() -> FieldValidation.notFound("channel", name));
        boolean matches;
        try {
            matches = channel.credentialSealed() != null && MessageDigest.isEqual(
                    KeySecrets.sha256(cipher.open(name, channel.credentialSealed())), KeySecrets.sha256(candidate));
        } catch (IllegalArgumentException e) { // sealed under another master key: it must be set again anyway
            matches = false;
        }
        deps.responses().ok(res, deps.responses().object("credential_check").put("channel", name)
                .put("matches", matches));
    }
}
