package io.modelbridge.gateway.portal;

import io.modelbridge.db.Database;
import io.modelbridge.db.repo.PortalAccount;
import io.modelbridge.db.repo.PortalAccountRepository;
import io.modelbridge.db.repo.PortalCodeRepository;
import io.modelbridge.db.repo.PortalCodeRepository.Outcome;
import io.modelbridge.db.repo.PortalInviteRepository;
import io.modelbridge.db.repo.PortalSessionRepository;
import io.modelbridge.db.repo.PortalSettings;
import io.modelbridge.db.repo.PortalSettingsRepository;
import io.modelbridge.db.repo.User;
import io.modelbridge.db.repo.UserRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Sign-up, confirmation, sign-in and password reset, each in the language of the request ({@code t}), which
 * its refusals and mails are written in. No answer tells whether an address has an account: sign-up
 * and reset reply alike either way (the mail says the rest, to the address's owner only), and a failed sign-in
 * costs one bcrypt check whether or not the address is known. Nor does the time an answer takes: what depends on
 * the address (looking it up, issuing a code, queueing the mail) runs after the answer ({@link OffRequest}).
 */
final class Accounts implements AutoCloseable {
    static final String CONFIRM = "confirm";
    static final String RESET = "reset";
    private static final int MAX_CODE_ATTEMPTS = 5;

    private final Database db;
    private final Onboarding onboarding;
    private final Mailer mailer;
    private final String links;
    private final OffRequest later = new OffRequest();
    private final Duration codeTtl;
    private final Clock clock;

    /** @param links the base of every link in a mail: MB_PUBLIC_URL, never a request's Host header */
    Accounts(Database db, Onboarding onboarding, Mailer mailer, String links, Duration codeTtl, Clock clock) {
        this.db = db;
        this.onboarding = onboarding;
        this.mailer = mailer;
        this.links = links;
        this.codeTtl = codeTtl;
        this.clock = clock;
    }

    /** Why a form was refused: shown to the user as is (already in the request's language). */
    static final class Refusal extends RuntimeException {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The address in its stored form (lower case), or a refusal naming what is wrong. */
    static String email(String typed, Language t) {
        return EmailAddresses.normalized(typed).orElseThrow(() -> new Refusal(400, t.text("invalidEmail")));
    }

    boolean canMail() {
        return mailer.configured();
    }

    PortalSettings settings() {
        return new PortalSettingsRepository(db.dsl()).get();
    }

    /** Registers (or re-registers an unconfirmed) address and mails it a code; see the class comment. */
    void signUp(String email, String password, String invite, Language t) {
        PortalSettings settings = settings();
        switch (settings.registration()) {
            case "closed" -> throw new Refusal(403, t.text("registrationClosed"));
            case "invite" -> {
                if (invite.isEmpty()) {
                    throw new Refusal(403, t.text("inviteNeeded"));
                }
            }
            default -> { }
        }
        String domain = email.substring(email.indexOf('@') + 1);
        if (!settings.allowedDomains().isEmpty() && !settings.allowedDomains().contains(domain)) {
            throw new Refusal(403, t.text("onlyDomains", String.join(", ", settings.allowedDomains())));
        }
        requireAcceptable(password, t);
        requireMail(t);
        if (settings.registration().equals("invite")
                && !new PortalInviteRepository(db.dsl()).consume(invite, clock.instant())) {
            throw new Refusal(403, t.text("inviteInvalid"));
        }
        String hash = Passwords.hash(password);
        later.run("sign-up", () -> {
            Optional<PortalAccount> existing = new PortalAccountRepository(db.dsl()).findByEmail(email);
            if (existing.isPresent() && existing.get().confirmed()) {
                mailer.send(new Mail(email, t.text("signUpAgainSubject"), t.text("signUpAgainBody", links)));
                return;
            }
            PortalAccount account = db.dsl().transactionResult(tx ->
                    new PortalAccountRepository(tx.dsl()).createPending(email, hash));
            mailCode(account, CONFIRM, t);
        });
    }

    /** A fresh confirmation code for an unconfirmed address; silently nothing for any other address. */
    void resendConfirmation(String email, Language t) {
        requireMail(t);
        later.run("confirmation code", () -> new PortalAccountRepository(db.dsl()).findByEmail(email)
                .filter(a -> !a.confirmed()).ifPresent(a -> mailCode(a, CONFIRM, t)));
    }

    /** Accepts the code: the account becomes a user with a first key. */
    Onboarding.Welcome confirm(String email, String code, Language t) {
        PortalAccount account = new PortalAccountRepository(db.dsl()).findByEmail(email)
                .orElseThrow(() -> refusal(Outcome.WRONG, t));
        Outcome outcome = check(account, CONFIRM, code);
        if (outcome != Outcome.ACCEPTED || account.confirmed()) {
            throw refusal(outcome == Outcome.ACCEPTED ? Outcome.USED : outcome, t);
        }
        return onboarding.welcome(account);
    }

    /** What a sign-in found. */
    sealed interface SignIn permits SignedIn, Unconfirmed, Disabled, Failed {}

    record SignedIn(PortalAccount account) implements SignIn {}

    /** The password is right but the address is not confirmed yet: a new code went out. */
    record Unconfirmed(String email) implements SignIn {}

    /** The password is right but the operator disabled the user. */
    record Disabled() implements SignIn {}

    record Failed() implements SignIn {}

    SignIn signIn(String email, String password, Language t) {
        Optional<PortalAccount> account = new PortalAccountRepository(db.dsl()).findByEmail(email);
        if (account.isEmpty()) {
            Passwords.spendDecoyTime(password);
            return new Failed();
        }
        if (!Passwords.matches(password, account.get().passwordHash())) {
            return new Failed();
        }
        if (!account.get().confirmed()) {
            if (mailer.configured()) {
                mailCode(account.get(), CONFIRM, t);
            }
            return new Unconfirmed(email);
        }
        boolean enabled = new UserRepository(db.dsl()).find(account.get().userId()).map(User::enabled)
                .orElse(false);
        return enabled ? new SignedIn(account.get()) : new Disabled();
    }

    /** Mails a reset code to a confirmed address; silently nothing for any other address. */
    void requestReset(String email, Language t) {
        requireMail(t);
        later.run("password reset", () -> new PortalAccountRepository(db.dsl()).findByEmail(email)
                .filter(PortalAccount::confirmed).ifPresent(a -> mailCode(a, RESET, t)));
    }

    /** Sets the new password and signs the account out everywhere; returns the account to sign in again. */
    PortalAccount resetPassword(String email, String code, String password, Language t) {
        requireAcceptable(password, t);
        PortalAccount account = new PortalAccountRepository(db.dsl()).findByEmail(email)
                .filter(PortalAccount::confirmed).orElseThrow(() -> refusal(Outcome.WRONG, t));
        Outcome outcome = check(account, RESET, code);
        if (outcome != Outcome.ACCEPTED) {
            throw refusal(outcome, t);
        }
        String hash = Passwords.hash(password);
        db.dsl().transaction(tx -> {
            new PortalAccountRepository(tx.dsl()).setPassword(account.id(), hash);
            new PortalSessionRepository(tx.dsl()).deleteAll(account.id());
        });
        return account;
    }

    private Outcome check(PortalAccount account, String purpose, String code) {
        if (!code.matches("\\d{6}")) {
            return Outcome.WRONG;
        }
        return db.dsl().transactionResult(tx -> new PortalCodeRepository(tx.dsl())
                .check(account.id(), purpose, Tokens.codeHash(account.id(), code), clock.instant(),
                        MAX_CODE_ATTEMPTS));
    }

    private void mailCode(PortalAccount account, String purpose, Language t) {
        String code = Tokens.code();
        db.dsl().transaction(tx -> new PortalCodeRepository(tx.dsl()).issue(account.id(), purpose,
                Tokens.codeHash(account.id(), code), clock.instant().plus(codeTtl)));
        long minutes = codeTtl.toMinutes();
        if (purpose.equals(CONFIRM)) {
            String link = links + PortalHttp.withEmail("/confirm", account.email());
            mailer.send(new Mail(account.email(), t.text("confirmSubject"), t.text("confirmBody", code, link, minutes)));
        } else {
            String link = links + PortalHttp.withEmail("/reset/confirm", account.email());
            mailer.send(new Mail(account.email(), t.text("resetSubject"), t.text("resetBody", code, link, minutes)));
        }
    }

    private static void requireAcceptable(String password, Language t) {
        String problem = Passwords.problem(password, t);
        if (problem != null) {
            throw new Refusal(400, problem);
        }
    }

    private void requireMail(Language t) {
        if (!mailer.configured()) {
            throw new Refusal(503, t.text("mailOff"));
        }
    }

    private static Refusal refusal(Outcome outcome, Language t) {
        return new Refusal(400, switch (outcome) {
            case EXPIRED -> t.text("codeExpired");
            case USED -> t.text("codeUsed");
            case TOO_MANY_ATTEMPTS -> t.text("codeTooManyTries");
            case WRONG, NONE, ACCEPTED -> t.text("codeWrong");
        });
    }

    @Override
    public void close() {
        later.close();
    }
}
