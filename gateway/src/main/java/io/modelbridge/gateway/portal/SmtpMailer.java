package io.modelbridge.gateway.portal;

import io.modelbridge.gateway.config.PortalConfig.SmtpSettings;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mail through the operator's SMTP server (Jakarta Mail), sent one at a time from a bounded queue so that a slow
 * server never holds a request, and a request's timing never tells whether a mail went out.
 */
final class SmtpMailer implements Mailer, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpMailer.class);
    private final Session session;
    private final SmtpSettings settings;
    private final String from;
    private final ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1000), r -> Thread.ofPlatform().daemon().name("portal-mail").unstarted(r),
            (task, pool) -> LOG.warn("Portal mail queue full (1000 waiting): a message was dropped"));

    /** @param from the sender address, already checked (PortalConfig.sender) */
    SmtpMailer(SmtpSettings settings, String from) {
        this.settings = settings;
        this.from = from;
        Properties p = new Properties();
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", String.valueOf(settings.port()));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "20000");
        p.put("mail.smtp.writetimeout", "20000");
        p.put("mail.smtp.auth", String.valueOf(settings.user().isPresent()));
        switch (settings.security()) {
            case "starttls" -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
            }
            case "ssl" -> p.put("mail.smtp.ssl.enable", "true");
            default -> { }
        }
        this.session = Session.getInstance(p, settings.user().isEmpty() ? null : new Authenticator() {
            @Override
            protected PasswordAuthentication getPasswordAuthentication() {
                return new PasswordAuthentication(settings.user().get(), settings.password().orElse(""));
            }
        });
    }

    @Override
    public boolean configured() {
        return true;
    }

    @Override
    public void send(Mail mail) {
        sender.execute(() -> deliver(mail));
    }

    private void deliver(Mail mail) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(from, "ModelBridge"));
            InternetAddress to = new InternetAddress(); // set, not parsed: Mail holds one checked address
            to.setAddress(mail.to());
            message.setRecipient(Message.RecipientType.TO, to);
            message.setSubject(mail.subject(), "UTF-8");
            message.setText(mail.text(), "UTF-8");
            Transport.send(message);
            LOG.info("Portal mail '{}' sent to {}", mail.subject(), masked(mail.to()));
        } catch (MessagingException | java.io.UnsupportedEncodingException | RuntimeException e) {
            // the message text holds a code: never log it, only why delivery failed
            LOG.warn("Portal mail '{}' to {} failed through {}:{}: {}", mail.subject(), masked(mail.to()),
                    settings.host(), settings.port(), e.getMessage());
        }
    }

    /** a***@example.com: enough to tell which user, not the whole address. */
    static String masked(String email) {
        int at = email.indexOf('@');
        return at <= 0 ? "***" : email.charAt(0) + "***" + email.substring(at);
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
