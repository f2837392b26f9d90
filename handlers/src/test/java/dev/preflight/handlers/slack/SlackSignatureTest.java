package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.handlers.slack.SlackSignature.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SlackSignatureTest {

  // Slack's official test vector: shared/slack-samples/slash_command.txt and slash_command.signature.txt.
  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String TIMESTAMP = "1531420618";
  private static final String SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  private static final byte[] BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
      + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
      + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
      + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
      .getBytes(StandardCharsets.UTF_8);

  private static final Instant SIGNED_AT = Instant.ofEpochSecond(Long.parseLong(TIMESTAMP));

  private static SlackSignature at(Instant now) {
    return new SlackSignature(SECRET, Clock.fixed(now, ZoneOffset.UTC));
  }

  private static final SlackSignature AT_SIGNING_TIME = at(SIGNED_AT);

  @Test
  void slackTestVectorIsValid() {
    assertEquals(Verdict.VALID, AT_SIGNING_TIME.verify(TIMESTAMP, SIGNATURE, BODY));
  }

  @Test
  void ourSignatureOfTheTestVectorMatchesSlacks() {
    assertEquals(SIGNATURE, AT_SIGNING_TIME.sign(TIMESTAMP, BODY));
  }

  @Test
  void differentSignatureIsRejected() {
    String other = "v0=" + "0".repeat(64);
    assertEquals(Verdict.BAD_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, other, BODY));
  }

  @Test
  void signatureMadeWithAnotherSecretIsRejected() {
    SlackSignature otherSecret = new SlackSignature("another-secret", Clock.fixed(SIGNED_AT, ZoneOffset.UTC));
    String forged = otherSecret.sign(TIMESTAMP, BODY);
    assertEquals(Verdict.BAD_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, forged, BODY));
  }

  @Test
  void timestampSixMinutesOldIsStale() {
    assertEquals(Verdict.STALE, at(SIGNED_AT.plus(Duration.ofMinutes(6))).verify(TIMESTAMP, SIGNATURE, BODY));
  }

  @Test
  void timestampSixMinutesInTheFutureIsRejected() {
    assertEquals(Verdict.FUTURE, at(SIGNED_AT.minus(Duration.ofMinutes(6))).verify(TIMESTAMP, SIGNATURE, BODY));
  }

  @Test
  void timestampExactlyFiveMinutesAwayInEitherDirectionIsStillAccepted() {
    assertEquals(Verdict.VALID, at(SIGNED_AT.plus(SlackSignature.MAX_SKEW)).verify(TIMESTAMP, SIGNATURE, BODY));
    assertEquals(Verdict.VALID, at(SIGNED_AT.minus(SlackSignature.MAX_SKEW)).verify(TIMESTAMP, SIGNATURE, BODY));
  }

  @Test
  void missingTimestampHeaderIsRejected() {
    assertEquals(Verdict.MISSING_TIMESTAMP, AT_SIGNING_TIME.verify(null, SIGNATURE, BODY));
    assertEquals(Verdict.MISSING_TIMESTAMP, AT_SIGNING_TIME.verify("", SIGNATURE, BODY));
  }

  @Test
  void missingSignatureHeaderIsRejected() {
    assertEquals(Verdict.MISSING_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, null, BODY));
    assertEquals(Verdict.MISSING_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, "", BODY));
  }

  @Test
  void nonNumericTimestampIsMalformed() {
    assertEquals(Verdict.MALFORMED_TIMESTAMP, AT_SIGNING_TIME.verify("yesterday", SIGNATURE, BODY));
    assertEquals(Verdict.MALFORMED_TIMESTAMP, AT_SIGNING_TIME.verify("-1531420618", SIGNATURE, BODY));
    assertEquals(Verdict.MALFORMED_TIMESTAMP, AT_SIGNING_TIME.verify("99999999999999999999999", SIGNATURE, BODY));
  }

  @Test
  void bodyWithOneByteChangedIsRejected() {
    byte[] tampered = BODY.clone();
    int at = new String(BODY, StandardCharsets.UTF_8).indexOf("roadrunner");
    tampered[at] = 'R';
    assertEquals(Verdict.BAD_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, SIGNATURE, tampered));
  }

  @Test
  void signatureWithoutVersionPrefixIsRejected() {
    String bare = SIGNATURE.substring("v0=".length());
    assertEquals(Verdict.MALFORMED_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, bare, BODY));
  }

  @Test
  void anUppercaseOrTruncatedSignatureDoesNotMatch() {
    assertEquals(Verdict.BAD_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, SIGNATURE.toUpperCase().replace("V0=", "v0="),
        BODY));
    assertEquals(Verdict.BAD_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, SIGNATURE.substring(0, SIGNATURE.length() - 1),
        BODY));
    assertEquals(Verdict.BAD_SIGNATURE, AT_SIGNING_TIME.verify(TIMESTAMP, SIGNATURE + "0", BODY));
  }

  @Test
  void oneVerifierServesManyThreadsAtOnceEachWithItsOwnMac() throws Exception {
    // Each event loop verifies with the same SlackSignature; a Mac shared between them would mix
    // two requests' bytes and refuse good ones, or pass a bad one.
    String forged = new SlackSignature("another-secret").sign(TIMESTAMP, BODY);
    List<Callable<List<Verdict>>> loops = new ArrayList<>();
    for (int thread = 0; thread < 4; thread++) {
      loops.add(() -> {
        List<Verdict> seen = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
          seen.add(AT_SIGNING_TIME.verify(TIMESTAMP, i % 2 == 0 ? SIGNATURE : forged, BODY));
        }
        return seen;
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (Future<List<Verdict>> loop : pool.invokeAll(loops)) {
        List<Verdict> seen = loop.get();
        for (int i = 0; i < seen.size(); i++) {
          assertEquals(i % 2 == 0 ? Verdict.VALID : Verdict.BAD_SIGNATURE, seen.get(i), "request " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
