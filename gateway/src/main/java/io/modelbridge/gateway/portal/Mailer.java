package io.modelbridge.gateway.portal;

/** Sends the portal's mail without keeping the request waiting. */
interface Mailer {
    /** False when this gateway has no mail set up: then nothing can be sent. */
    boolean configured();

    /** Queues the message; delivery failures are logged, never thrown to the request. */
    void send(Mail mail);

    static Mailer none() {
        return new Mailer() {
            @Override
            public boolean configured() {
                return false;
            }

            @Override
            public void send(Mail mail) {
                throw new IllegalStateException("no mail is set up");
            }
        };
    }
}
