package io.modelbridge.gateway.portal;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.modelbridge.gateway.config.PortalConfig.SmtpSettings;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A real SMTP server (GreenMail) on a free loopback port: the gateway mails it, the tests read what arrived. */
final class Mailbox implements AutoCloseable {
    /** The code line of the English and the Chinese mail. */
    private static final Pattern CODE = Pattern.compile("(?:Your code is|您的验证码是) (\\d{6})");
    private final GreenMail server = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));

    Mailbox() {
        server.start();
    }

    SmtpSettings settings() {
        return new SmtpSettings("127.0.0.1", server.getSmtp().getPort(), Optional.empty(), Optional.empty(),
                "noreply@modelbridge.test", "none");
    }

    /** As with MB_SMTP_FROM unset: the sender comes from MB_PUBLIC_URL, or there is none. */
    SmtpSettings settingsWithoutSender() {
        return new SmtpSettings("127.0.0.1", server.getSmtp().getPort(), Optional.empty(), Optional.empty(),
                Optional.empty(), "none");
    }

    int port() {
        return server.getSmtp().getPort();
    }

    /** Every message delivered to the address so far, oldest first. */
    List<MimeMessage> to(String email) {
        return Arrays.stream(server.getReceivedMessages()).filter(m -> addressedTo(m, email)).toList();
    }

    /** Waits for the address's message number {@code count} (1-based) and returns it. */
    MimeMessage await(String email, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<MimeMessage> got = to(email);
            if (got.size() >= count) {
                return got.get(count - 1);
            }
            sleep();
        }
        throw new AssertionError("no message " + count + " to " + email + " within 10 s; got " + to(email).size());
    }

    /** The code in the address's message number {@code count}. */
    String code(String email, int count) {
        String body = text(await(email, count));
        Matcher m = CODE.matcher(body);
        if (!m.find()) {
            throw new AssertionError("no code in the mail to " + email + ": " + body);
        }
        return m.group(1);
    }

    /** The message's text, decoded (a Chinese one travels base64 or quoted-printable). */
    static String text(MimeMessage m) {
        try {
            return (String) m.getContent();
        } catch (MessagingException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean addressedTo(MimeMessage m, String email) {
        try {
            return m.getRecipients(Message.RecipientType.TO) != null && Arrays.stream(
                    m.getRecipients(Message.RecipientType.TO)).anyMatch(a -> a.toString().equalsIgnoreCase(email));
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
