package io.modelbridge.provider.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The URL signature against vectors derived from iFlytek's documented algorithm (vendor-protocols.md 5.3): the
 * Web API authentication page's own example, and a GET for Spark checked independently (Python's hmac/base64/
 * urlencode over the same inputs gives the same bytes).
 */
class SparkSignerTest {

    /** iFlytek's documentation example (a POST request line; the algorithm is the same). */
    @Test
    void signatureAndAuthorizationMatchIflyteksDocumentedExample() {
        String signature = SparkSigner.signature("apisecretXXXXXXXXXXXXXXXXXXXXXXX", "api.xf-yun.com",
                "Fri, 23 Apr 2021 02:35:47 GMT", "POST /v1/private/s782b4996 HTTP/1.1");
        assertEquals("1jwQbIAKmQE7JwIH0IDxiC1pejrlN+VpHXDWOFVy5NM=", signature);
        assertEquals("YXBpX2tleT0iYXBpa2V5WFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFgiLCBhbGdvcml0aG09ImhtYWMtc2hhMjU2IiwgaGVh"
                + "ZGVycz0iaG9zdCBkYXRlIHJlcXVlc3QtbGluZSIsIHNpZ25hdHVyZT0iMWp3UWJJQUttUUU3SndJSDBJRHhpQzFwZWpybE4rVnBIWER"
                + "XT0ZWeTVOTT0i", SparkSigner.authorization("apikeyXXXXXXXXXXXXXXXXXXXXXXXXXX", signature));
    }

    @Test
    void signedUrlForSparkMaxIsByteForByteTheDocumentedOne() {
        URI signed = SparkSigner.sign(URI.create("wss://spark-api.xf-yun.com/v3.5/chat"),
                "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", "0123456789abcdef0123456789abcdef",
                Instant.parse("2025-06-02T08:00:00Z"));
        assertEquals("wss://spark-api.xf-yun.com/v3.5/chat?authorization=YXBpX2tleT0iYTFiMmMzZDRlNWY2YTdiOGM5ZDBlMWY"
                + "yYTNiNGM1ZDYiLCBhbGdvcml0aG09ImhtYWMtc2hhMjU2IiwgaGVhZGVycz0iaG9zdCBkYXRlIHJlcXVlc3QtbGluZSIsIHNpZ25hdHV"
                + "yZT0iY2xQbkV5dUV1N2JJREIvNVljcjFrVXVYam5YbEd1eHJLd2E5bFFQSUxqbz0i"
                + "&date=Mon%2C+02+Jun+2025+08%3A00%3A00+GMT&host=spark-api.xf-yun.com", signed.toString());
    }

    @Test
    void dateIsRfc1123WithTwoDigitDaysAndGmt() {
        assertEquals("Fri, 03 May 2024 07:05:09 GMT", SparkSigner.DATE.format(Instant.parse("2024-05-03T07:05:09Z")));
    }

    /** A simulator or proxy on its own port: the signed host is what the Host header carries, port included. */
    @Test
    void hostKeepsAnExplicitPortAndThePathIsSigned() {
        URI signed = SparkSigner.sign(URI.create("ws://127.0.0.1:9001/chat/max-32k"), "k", "s",
                Instant.parse("2025-06-02T08:00:00Z"));
        assertEquals("127.0.0.1:9001", SparkSigner.hostOf(signed));
        assertEquals("/chat/max-32k", signed.getRawPath());
        String expected = SparkSigner.authorization("k", SparkSigner.signature("s", "127.0.0.1:9001",
                "Mon, 02 Jun 2025 08:00:00 GMT", "GET /chat/max-32k HTTP/1.1"));
        assertEquals("authorization=" + java.net.URLEncoder.encode(expected, java.nio.charset.StandardCharsets.UTF_8)
                + "&date=Mon%2C+02+Jun+2025+08%3A00%3A00+GMT&host=127.0.0.1%3A9001", signed.getRawQuery());
    }
}
