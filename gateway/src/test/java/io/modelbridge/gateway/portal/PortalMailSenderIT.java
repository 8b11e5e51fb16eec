package io.modelbridge.gateway.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.config.PortalConfig;
import io.modelbridge.gateway.it.RunningGateway;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portal's mail sender: with MB_SMTP_FROM unset it is derived from MB_PUBLIC_URL's host only when that is a
 * domain name (mail servers refuse modelbridge@127.0.0.1), and the start-up log says whether mail is on and from
 * whom, or why it is off.
 */
class PortalMailSenderIT {
    @TempDir
    Path dataDir;

    @Test
    void anIpPublicUrlWithoutMbSmtpFromTurnsMailOffAndTheLogSaysWhy() {
        try (Mailbox mail = new Mailbox(); PortalLog log = new PortalLog();
             RunningGateway gateway = start(mail, "http://127.0.0.1:8080")) {
            assertTrue(log.text().contains("Portal mail is off: no sender address. MB_SMTP_FROM is not set, and "
                    + "MB_PUBLIC_URL's host '127.0.0.1' is not a domain name, so modelbridge@127.0.0.1 would be refused"
                    + " by mail servers. Set MB_SMTP_FROM"), log.text());
            HttpResponse<String> signUp = new PortalClient(gateway.api()).post("/signup",
                    Map.of("email", "ip@example.com", "password", PortalSetup.PASSWORD));
            assertEquals(503, signUp.statusCode(), signUp.body());
            assertTrue(mail.to("ip@example.com").isEmpty());
        }
    }

    @Test
    void aDomainPublicUrlGivesTheSenderAndTheLogSaysFromWhom() throws Exception {
        try (Mailbox mail = new Mailbox(); PortalLog log = new PortalLog();
             RunningGateway gateway = start(mail, "http://llm.example.com")) {
            assertTrue(log.text().contains("Portal mail is on: through 127.0.0.1:" + mail.port() + " (none), from "
                    + "modelbridge@llm.example.com (derived from MB_PUBLIC_URL; set MB_SMTP_FROM to change)."), log.text());
            HttpResponse<String> signUp = new PortalClient(gateway.api()).post("/signup",
                    Map.of("email", "dn@example.com", "password", PortalSetup.PASSWORD));
            assertEquals(303, signUp.statusCode(), signUp.body());
            MimeMessage sent = mail.await("dn@example.com", 1);
            assertEquals("modelbridge@llm.example.com", ((InternetAddress) sent.getFrom()[0]).getAddress());
        }
    }

    private RunningGateway start(Mailbox mail, String publicUrl) {
        return RunningGateway.start(dataDir, c -> c.withPortal(PortalConfig.defaults()
                .withSmtp(mail.settingsWithoutSender()).withPublicUrl(URI.create(publicUrl))));
    }

    /** The portal's log lines (JUL, where slf4j-jdk14 sends them) while open. */
    private static final class PortalLog extends Handler implements AutoCloseable {
        private final Logger logger = Logger.getLogger(Portal.class.getName());
        private final List<String> lines = new CopyOnWriteArrayList<>();

        PortalLog() {
            setLevel(Level.INFO);
            logger.addHandler(this);
        }

        String text() {
            return String.join("\n", lines);
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                lines.add(record.getLevel() + " " + record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }
}
