package dev.preflight.handlers.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code /deploys} overview read: shared by those who ask together, never older than the asking. */
class SharedReadTest {

  private final List<Promise<String>> reads = new ArrayList<>();
  private final SharedRead<String> shared = new SharedRead<>(() -> {
    Promise<String> read = Promise.promise();
    reads.add(read);
    return read.future();
  });

  @Test
  void whoAsksWhileAReadRunsGetsTheNextReadWhichAllOfThemShare() {
    Future<String> first = shared.get();
    Future<String> second = shared.get();
    Future<String> third = shared.get();
    assertEquals(1, reads.size(), "one read at a time");

    reads.get(0).complete("state before the second and third asked");
    assertEquals("state before the second and third asked", first.result());
    assertFalse(second.isComplete(), "the read under way began before the second asked: it is not theirs");
    assertEquals(2, reads.size(), "the next read starts as soon as the first ends");

    reads.get(1).complete("state after");
    assertEquals("state after", second.result());
    assertEquals("state after", third.result());
    assertEquals(2, reads.size(), "two reads served three requests");
  }

  @Test
  void aFailedReadFailsThoseWaitingForItAndTheNextAskReadsAgain() {
    Future<String> first = shared.get();
    Future<String> second = shared.get();
    reads.get(0).complete("ok");
    reads.get(1).fail(new IllegalStateException("connection reset"));
    assertTrue(first.succeeded());
    assertEquals("connection reset", second.cause().getMessage());

    Future<String> third = shared.get();
    assertEquals(3, reads.size(), "nothing is kept from a failed read");
    reads.get(2).complete("back");
    assertEquals("back", third.result());
  }

  @Test
  void aReadThatThrowsIsAFailedResultNotAStuckOne() {
    SharedRead<String> throwing = new SharedRead<>(() -> {
      throw new IllegalStateException("pool closed");
    });
    assertEquals("pool closed", throwing.get().cause().getMessage());
    assertEquals("pool closed", throwing.get().cause().getMessage(), "the next ask reads again");
  }
}
