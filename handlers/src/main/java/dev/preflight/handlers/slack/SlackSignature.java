package dev.preflight.handlers.slack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a request really comes from Slack: an HMAC-SHA256 of {@code v0:<timestamp>:<raw body>}
 * keyed with the signing secret, and a timestamp close to now. It runs over the raw bytes, before
 * anything parses the body, because a body re-encoded by a parser no longer matches its signature.
 *
 * <p>The timestamp window is enforced in both directions: Bolt's own verifier only rejects old
 * timestamps, so a request stamped in the future would stay replayable until that future arrives.
 */
public final class SlackSignature {

  public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Slack-Signature";
  public static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private static final String VERSION = "v0";
  private static final String PREFIX = VERSION + "=";
  private static final String HMAC = "HmacSHA256";
  // Epoch seconds; the bound only keeps parseLong away from overflow.
  private static final int MAX_TIMESTAMP_DIGITS = 15;
  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** The outcome of a check; only {@link #VALID} lets a request through. */
  public enum Verdict {
    VALID("valid"),
    MISSING_TIMESTAMP("missing " + TIMESTAMP_HEADER + " header"),
    MISSING_SIGNATURE("missing " + SIGNATURE_HEADER + " header"),
    MALFORMED_TIMESTAMP("timestamp is not a number of seconds"),
    MALFORMED_SIGNATURE("signature does not start with " + PREFIX),
    STALE("timestamp is more than 5 minutes old"),
    FUTURE("timestamp is more than 5 minutes in the future"),
    BAD_SIGNATURE("signature does not match the body");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    public boolean valid() {
      return this == VALID;
    }

    public String reason() {
      return reason;
    }
  }

  private final SecretKeySpec key;
  private final Clock clock;
  /**
   * A Mac is stateful and not thread-safe, and building one (provider lookup, key schedule) cost
   * more than the HMAC itself: each thread that verifies (an event loop, or a worker in tests)
   * keeps its own for as long as it lives.
   */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public SlackSignature(String signingSecret, Clock clock) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("a Slack signing secret is required (SLACK_SIGNING_SECRET)");
    }
    this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), HMAC);
    this.clock = clock;
  }

  public SlackSignature(String signingSecret) {
    this(signingSecret, Clock.systemUTC());
  }

  /**
   * Judges one request. Never throws for bad input: every way a request can be wrong is a verdict.
   *
   * @param timestamp the {@value #TIMESTAMP_HEADER} header, or null
   * @param signature the {@value #SIGNATURE_HEADER} header, or null
   * @param body the raw body bytes as received
   */
  public Verdict verify(String timestamp, String signature, byte[] body) {
    if (timestamp == null || timestamp.isEmpty()) {
      return Verdict.MISSING_TIMESTAMP;
    }
    if (signature == null || signature.isEmpty()) {
      return Verdict.MISSING_SIGNATURE;
    }
    if (!isSeconds(timestamp)) {
      return Verdict.MALFORMED_TIMESTAMP;
    }
    long skew = clock.instant().getEpochSecond() - Long.parseLong(timestamp);
    if (skew > MAX_SKEW.toSeconds()) {
      return Verdict.STALE;
    }
    if (-skew > MAX_SKEW.toSeconds()) {
      return Verdict.FUTURE;
    }
    if (!signature.startsWith(PREFIX)) {
      return Verdict.MALFORMED_SIGNATURE;
    }
    return matches(digest(timestamp, body == null ? new byte[0] : body), signature)
        ? Verdict.VALID : Verdict.BAD_SIGNATURE;
  }

  private static boolean isSeconds(String timestamp) {
    if (timestamp.length() > MAX_TIMESTAMP_DIGITS) {
      return false;
    }
    for (int i = 0; i < timestamp.length(); i++) {
      char c = timestamp.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code signature} is {@code v0=} and the lowercase hex of {@code digest}, compared in
   * time that depends only on the lengths, as {@link MessageDigest#isEqual} does, without
   * building the expected text first.
   */
  private static boolean matches(byte[] digest, String signature) {
    if (signature.length() != PREFIX.length() + 2 * digest.length) {
      return false;
    }
    int difference = 0;
    for (int i = 0, at = PREFIX.length(); i < digest.length; i++, at += 2) {
      difference |= HEX_DIGITS[(digest[i] >> 4) & 0xf] ^ signature.charAt(at);
      difference |= HEX_DIGITS[digest[i] & 0xf] ^ signature.charAt(at + 1);
    }
    return difference == 0;
  }

  /** The {@value #SIGNATURE_HEADER} value Slack would send for this timestamp and body. */
  public String sign(String timestamp, byte[] body) {
    return PREFIX + HexFormat.of().formatHex(digest(timestamp, body));
  }

  /** HMAC-SHA256 of {@code v0:<timestamp>:<body>} with this thread's Mac. */
  private byte[] digest(String timestamp, byte[] body) {
    Mac mac = macs.get();
    mac.update((VERSION + ":" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
    return mac.doFinal(body);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no " + HMAC, e);
    }
  }
}
