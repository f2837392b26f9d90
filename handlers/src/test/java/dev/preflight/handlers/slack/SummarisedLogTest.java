package dev.preflight.handlers.slack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A flood of refused requests leaves one line per reason per ten seconds, and the count of the rest. */
class SummarisedLogTest {

  private final AtomicLong now = new AtomicLong(TimeUnit.HOURS.toNanos(5));
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private SummarisedLog rejections;

  @BeforeEach
  void logger() {
    Logger logger = new LoggerContext().getLogger("test");
    lines.start();
    logger.addAppender(lines);
    rejections = new SummarisedLog(logger, now::get, "refused for this reason");
  }

  @Test
  void aThousandBadSignaturesInTenSecondsWriteOneLineAndTheNextLineCountsTheRest() {
    for (int i = 0; i < 1000; i++) {
      rejections.warn("signature does not match the body", "Rejected a request to {} from {}: {}", "/slack/events",
          "10.0.0." + (i % 250), "signature does not match the body");
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(9));
    }
    assertEquals(List.of("Rejected a request to /slack/events from 10.0.0.0: signature does not match the body"),
        messages());

    now.addAndGet(TimeUnit.SECONDS.toNanos(1));
    rejections.warn("signature does not match the body", "Rejected a request to {} from {}: {}", "/slack/events",
        "10.0.0.7", "signature does not match the body");
    assertEquals("Rejected a request to /slack/events from 10.0.0.7: signature does not match the body "
        + "(999 more refused for this reason since the last such line, not logged)", messages().get(1));
  }

  @Test
  void eachReasonHasItsOwnWindow() {
    rejections.warn("stale", "Rejected: {}", "stale");
    rejections.warn("missing user", "Refused: {}", "missing user");
    rejections.warn("stale", "Rejected: {}", "stale");
    rejections.warn("missing user", "Refused: {}", "missing user");
    assertEquals(List.of("Rejected: stale", "Refused: missing user"), messages());
  }

  @Test
  void aLoneRefusalAfterTheWindowIsLoggedPlain() {
    rejections.warn("stale", "Rejected: {}", "stale");
    now.addAndGet(SummarisedLog.WINDOW.toNanos());
    rejections.warn("stale", "Rejected: {}", "stale");
    assertEquals(List.of("Rejected: stale", "Rejected: stale"), messages());
  }

  @Test
  void reasonsQuotingTheInputCannotGrowTheTableWithoutBound() {
    for (int i = 0; i < SummarisedLog.MAX_REASONS + 500; i++) {
      rejections.warn("unsupported event type `e" + i + "`", "Refused: {}", "unsupported event type `e" + i + "`");
    }
    // One line per distinct reason up to the cap, then one for all the others together.
    assertEquals(SummarisedLog.MAX_REASONS + 1, messages().size());
  }

  private List<String> messages() {
    return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }
}
