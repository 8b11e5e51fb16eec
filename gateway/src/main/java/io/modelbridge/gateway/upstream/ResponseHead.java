package io.modelbridge.gateway.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An upstream answer's status line and headers, read strictly: each line ends with CR LF, the whole head fits in
 * {@value #MAX_HEAD_BYTES} bytes and {@value #MAX_HEADERS} headers, names are tokens with no space before the colon,
 * no folded lines, no control characters in values. Interim 1xx answers are skipped.
 *
 * @param framing       how the body ends
 * @param contentLength the body's length when {@code framing} is {@link Framing#SIZED}, else -1
 * @param keepAlive     whether the connection may carry another request once this body is read to its end
 */
record ResponseHead(int status, String[] names, String[] values, int count, Framing framing, long contentLength,
                    boolean keepAlive) {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_HEADERS = 100;
    private static final int MAX_INTERIM_ANSWERS = 10;

    /** How an answer's body is delimited (RFC 9112 section 6.3). */
    enum Framing { NONE, SIZED, CHUNKED, UNTIL_CLOSE }

    /** The first value of a header, its name matched case-insensitively. */
    Optional<String> header(String name) {
        for (int i = 0; i < count; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return Optional.of(values[i]);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads the head of the answer to a request that is not HEAD.
     *
     * @throws EOFException when the connection ended before any byte of the answer
     */
    static ResponseHead read(UpstreamInput in) throws IOException {
        for (int interim = 0; interim <= MAX_INTERIM_ANSWERS; interim++) {
            ResponseHead head = readOne(in);
            if (head != null) {
                return head;
            }
        }
        throw new UpstreamProtocolException("more than " + MAX_INTERIM_ANSWERS + " interim (1xx) answers");
    }

    /** One head; null for an interim 1xx answer (whose headers are dropped). */
    private static ResponseHead readOne(UpstreamInput in) throws IOException {
        String statusLine = in.readLine(Math.min(1024, MAX_HEAD_BYTES));
        if (statusLine == null) {
            throw new EOFException("the upstream closed the connection before answering");
        }
        int status = status(statusLine);
        boolean http11 = statusLine.charAt(7) == '1';
        int budget = MAX_HEAD_BYTES - statusLine.length() - 2;
        String[] names = new String[16];
        String[] values = new String[16];
        int count = 0;
        while (true) {
            String line = in.readLine(budget);
            if (line == null) {
                throw new EOFException("the upstream closed the connection inside its headers");
            }
            budget -= line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            if (count == MAX_HEADERS) {
                throw new UpstreamProtocolException("more than " + MAX_HEADERS + " headers in the upstream's answer");
            }
            if (count == names.length) {
                names = Arrays.copyOf(names, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            int colon = nameEnd(line);
            names[count] = line.substring(0, colon);
            values[count] = value(line, colon + 1);
            count++;
        }
        if (status < 200) {
            if (status == 101) {
                throw new UpstreamProtocolException("the upstream switched protocols unasked");
            }
            return null;
        }
        return framed(status, names, values, count, http11);
    }

    private static ResponseHead framed(int status, String[] names, String[] values, int count, boolean http11)
            throws UpstreamProtocolException {
        String transferEncoding = null;
        long length = -1;
        boolean close = !http11;
        for (int i = 0; i < count; i++) {
            String name = names[i];
            if (name.equalsIgnoreCase("Content-Length")) {
                length = contentLength(values[i], length);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                transferEncoding = transferEncoding == null ? values[i] : transferEncoding + "," + values[i];
            } else if (name.equalsIgnoreCase("Connection")) {
                close |= hasToken(values[i], "close");
            }
        }
        Framing framing;
        if (status == 204 || status == 304) {
            framing = Framing.NONE;
            length = -1;
        } else if (transferEncoding != null) {
            if (!transferEncoding.strip().equalsIgnoreCase("chunked")) {
                throw new UpstreamProtocolException("an unsupported Transfer-Encoding in the upstream's answer");
            }
            close |= length >= 0; // both framings: chunked wins, and the connection is not trusted again
            framing = Framing.CHUNKED;
            length = -1;
        } else if (length >= 0) {
            framing = length == 0 ? Framing.NONE : Framing.SIZED;
        } else {
            framing = Framing.UNTIL_CLOSE;
            close = true;
        }
        return new ResponseHead(status, names, values, count, framing, length, !close);
    }

    private static int status(String line) throws UpstreamProtocolException {
        boolean shaped = line.length() >= 12 && line.startsWith("HTTP/1.") && (line.charAt(7) == '1' || line.charAt(7) == '0')
                && line.charAt(8) == ' ' && (line.length() == 12 || line.charAt(12) == ' ')
                && digit(line.charAt(9)) && digit(line.charAt(10)) && digit(line.charAt(11));
        int status = shaped ? (line.charAt(9) - '0') * 100 + (line.charAt(10) - '0') * 10 + (line.charAt(11) - '0') : 0;
        if (status < 100 || status > 599) {
            throw new UpstreamProtocolException("the upstream's answer does not start with an HTTP/1.1 status line");
        }
        for (int i = 13; i < line.length(); i++) {
            if (control(line.charAt(i))) {
                throw new UpstreamProtocolException("a control character in the upstream's status line");
            }
        }
        return status;
    }

    private static int nameEnd(String line) throws UpstreamProtocolException {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new UpstreamProtocolException("a header line without a name and colon in the upstream's answer");
        }
        for (int i = 0; i < colon; i++) {
            if (!RequestHead.tokenChar(line.charAt(i))) {
                throw new UpstreamProtocolException("a header name that is not a token in the upstream's answer");
            }
        }
        return colon;
    }

    private static String value(String line, int from) throws UpstreamProtocolException {
        int start = from;
        int end = line.length();
        while (start < end && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (control(line.charAt(i))) {
                throw new UpstreamProtocolException("a control character in a header of the upstream's answer");
            }
        }
        return line.substring(start, end);
    }

    private static long contentLength(String value, long earlier) throws UpstreamProtocolException {
        long length = -1;
        for (String part : value.split(",", -1)) {
            long one = digits(part.strip());
            if (length >= 0 && one != length) {
                throw conflicting();
            }
            length = one;
        }
        if (earlier >= 0 && earlier != length) {
            throw conflicting();
        }
        return length;
    }

    private static long digits(String text) throws UpstreamProtocolException {
        if (text.isEmpty() || text.length() > 18) {
            throw new UpstreamProtocolException("an invalid Content-Length in the upstream's answer");
        }
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!digit(c)) {
                throw new UpstreamProtocolException("an invalid Content-Length in the upstream's answer");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static UpstreamProtocolException conflicting() {
        return new UpstreamProtocolException("conflicting Content-Lengths in the upstream's answer");
    }

    private static boolean hasToken(String value, String token) {
        for (String part : value.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /** A control character other than HTAB (obs-text, 0x80 to 0xFF, is allowed). */
    private static boolean control(char c) {
        return (c < 0x20 && c != '\t') || c == 0x7f;
    }
}
