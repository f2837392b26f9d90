package dev.preflight.handlers.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.fake.FakeSlack;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reports going into their run's thread through Slack's three-step file upload, against the
 * fake Slack over real HTTP, once per run and finished status whatever the number of
 * announcements or replicas.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ThreadReportsTest {

  private static final String CHANNEL = "C0DEPLOYS";
  private static final String THREAD = "1700000000.000100";
  private static final Instant STARTED = Instant.parse("2024-05-01T14:00:00Z");
  private static final Checklist CHECKLIST = new Checklist("predeploy", "Pre-deploy", "predeploy.yaml", null,
      List.of(new Section("Database", List.of(new Item("backup", "Backup taken", true, null)))),
      SignOffRule.NONE, List.of());
  // No sweep unless a test asks for one: an hour is longer than any test.
  private static final ThreadReports.Timing FAST = new ThreadReports.Timing(Duration.ofMillis(20), 200,
      Duration.ofHours(1), Duration.ofHours(1), Duration.ofDays(1));
  private static final ThreadReports.Timing SWEEPING = new ThreadReports.Timing(Duration.ofMillis(20), 200,
      Duration.ofMillis(1), Duration.ofHours(1), Duration.ofDays(1));

  private Vertx vertx;
  private Context loop;
  private FakeSlack fake;
  private SlackApi slack;
  private MemoryReports source;
  private final List<ThreadReports> started = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    loop = vertx.getOrCreateContext();
    fake = get(FakeSlack.start(vertx));
    slack = new SlackApi(vertx, SlackApi.slack(fake.url()), "xoxb-test-token");
    source = new MemoryReports();
  }

  @AfterEach
  void stop() throws Exception {
    for (ThreadReports reports : started) {
      get(reports.close());
    }
    get(fake.close());
  }

  @Test
  void aFinishedRunsReportGoesIntoItsThreadInSlacksThreeSteps() throws Exception {
    reporter();
    TrackedRun run = deployRun("11111111-0000-4000-8000-000000000001", RunStatus.ROLLED_BACK, THREAD);
    onLoop(() -> {
      source.change(run);
      return Future.succeededFuture();
    });
    // Recorded once Slack answered the last step, so the fake is done with it too.
    Optional<String> recorded = awaitFile(run.id(), RunStatus.ROLLED_BACK);

    FakeSlack.SharedFile file = fake.files().get(0);
    assertEquals(List.of("files.getUploadURLExternal " + file.id(), "upload " + file.id(),
        "files.completeUploadExternal " + file.id()), fake.fileFlow());
    byte[] expected = MemoryReports.expected(run).getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(expected, file.bytes(), "the bytes uploaded are the report");
    assertTrue(file.text().startsWith("# Deploy report: api v2 to prod\n"), file.text());
    assertEquals(List.of(file.id()), ids(fake.filesInThread(CHANNEL, THREAD)), "shared into the run's thread");
    assertEquals("Deploy report: api v2 to prod", file.title());

    JsonObject asked = fake.calls("files.getUploadURLExternal").get(0);
    assertEquals("preflight-api-v2-prod-11111111.md", asked.getString("filename"));
    assertEquals(String.valueOf(expected.length), asked.getString("length"));
    JsonObject completed = fake.calls("files.completeUploadExternal").get(0);
    assertEquals(CHANNEL, completed.getString("channel_id"));
    assertEquals(THREAD, completed.getString("thread_ts"));
    assertEquals(Optional.of(file.id()), recorded, "the file id is recorded after the upload");
  }

  @Test
  void twoAnnouncementsOnTwoReplicasUploadTheReportOnce() throws Exception {
    ThreadReports one = reporter();
    ThreadReports two = reporter();
    TrackedRun run = deployRun("11111111-0000-4000-8000-000000000002", RunStatus.SUCCEEDED, THREAD);
    source.put(run);

    // Each replica hears the change (twice on the first), as listeners of their own run services would.
    List<String> answers = get(onLoop(() -> Future.all(one.deliver(run.id()), one.deliver(run.id()),
        two.deliver(run.id())).map(all -> all.<String>list())));

    assertEquals(1, answers.stream().filter(id -> id != null).count(), "one delivery uploaded: " + answers);
    assertNull(get(onLoop(() -> two.deliver(run.id()))), "a later announcement finds it done");
    assertEquals(1, fake.files().size());
    assertEquals(1, fake.calls("files.getUploadURLExternal").size());
    assertEquals(1, fake.calls("files.completeUploadExternal").size());
  }

  @Test
  void aRunThatEndsBeforeItsMessageIsPostedIsReportedOnceTheMessageExists() throws Exception {
    ThreadReports reports = reporter();
    TrackedRun unposted = deployRun("11111111-0000-4000-8000-000000000003", RunStatus.FAILED, null);
    source.put(unposted);

    Future<String> delivered = onLoop(() -> reports.deliver(unposted.id()));
    awaitLooks(unposted.id(), 2);
    assertFalse(source.claimed(unposted.id(), RunStatus.FAILED),
        "nothing is claimed while there is no thread to post in");
    // The publisher posts the run's message a moment later.
    source.put(new TrackedRun(unposted.run(), CHANNEL, THREAD, unposted.deployment()));

    String fileId = get(delivered);
    assertEquals(List.of(fileId), ids(fake.filesInThread(CHANNEL, THREAD)));
  }

  @Test
  void aRunThatIsNotFinishedGetsNoReport() throws Exception {
    ThreadReports reports = reporter();
    TrackedRun open = new TrackedRun(ChecklistRun.start("11111111-0000-4000-8000-000000000004", CHECKLIST, "U1",
        STARTED), CHANNEL, THREAD);
    onLoop(() -> {
      source.change(open);
      return Future.succeededFuture();
    });
    assertNull(get(onLoop(() -> reports.deliver(open.id()))));
    assertFalse(source.claimed(open.id(), RunStatus.PREPARING));
    assertTrue(fake.calls("files.getUploadURLExternal").isEmpty());
  }

  @Test
  void aFailedUploadGivesItsClaimBackAndTheNextAttemptSharesTheReport() throws Exception {
    ThreadReports reports = reporter();
    TrackedRun run = deployRun("11111111-0000-4000-8000-000000000005", RunStatus.ROLLED_BACK, THREAD);
    source.put(run);
    fake.failNext("files.completeUploadExternal", "not_in_channel");

    Throwable failure = getFailure(onLoop(() -> reports.deliver(run.id())));
    assertTrue(failure.getMessage().contains("files.completeUploadExternal failed: not_in_channel"),
        failure.getMessage());
    assertFalse(source.claimed(run.id(), RunStatus.ROLLED_BACK), "the claim was given back");

    String fileId = get(onLoop(() -> reports.deliver(run.id())));
    assertEquals(List.of(fileId), ids(fake.filesInThread(CHANNEL, THREAD)));
    assertEquals(Optional.of(fileId), source.fileOf(run.id(), RunStatus.ROLLED_BACK));
  }

  @Test
  void aReportLostToARestartIsSharedByTheSweepAtStart() throws Exception {
    TrackedRun lost = deployRun("11111111-0000-4000-8000-000000000006", RunStatus.SUCCEEDED, THREAD);
    source.put(lost);
    reporter(SWEEPING);
    String fileId = awaitFile(lost.id(), RunStatus.SUCCEEDED).orElseThrow();
    assertEquals(List.of(fileId), ids(fake.filesInThread(CHANNEL, THREAD)));
  }

  @Test
  void aRunRolledBackAfterItsReportGetsASecondReportInTheSameThreadOncePerStatus() throws Exception {
    ThreadReports one = reporter();
    ThreadReports two = reporter();
    TrackedRun succeeded = deployRun("11111111-0000-4000-8000-000000000007", RunStatus.SUCCEEDED, THREAD);
    String id = succeeded.id();
    // Both replicas hear every announcement.
    announce(succeeded, 2);
    String first = awaitFile(id, RunStatus.SUCCEEDED).orElseThrow();

    // Hours later someone rolls it back; the rollback is announced as it starts, then several times as it ends.
    announce(rolledBack(succeeded, RunStatus.ROLLING_BACK), 1);
    TrackedRun rolledBack = rolledBack(succeeded, RunStatus.ROLLED_BACK);
    announce(rolledBack, 3);
    String second = awaitFile(id, RunStatus.ROLLED_BACK).orElseThrow();
    assertNull(get(onLoop(() -> one.deliver(id))), "a later announcement finds the rollback reported");
    assertNull(get(onLoop(() -> two.deliver(id))), "on either replica");

    assertEquals(List.of(first, second), ids(fake.filesInThread(CHANNEL, THREAD)), "both in the run's thread");
    assertEquals(2, fake.files().size(), "one report per status");
    assertEquals(2, fake.calls("files.getUploadURLExternal").size());
    assertEquals(2, fake.calls("files.completeUploadExternal").size());
    FakeSlack.SharedFile before = fake.files().get(0);
    FakeSlack.SharedFile after = fake.files().get(1);
    assertEquals("Deploy report: api v2 to prod", before.title());
    assertEquals("preflight-api-v2-prod-11111111.md", before.filename());
    assertArrayEquals(MemoryReports.expected(succeeded).getBytes(StandardCharsets.UTF_8), before.bytes());
    assertEquals("Deploy report: api v2 to prod (after the rollback)", after.title());
    assertEquals("preflight-api-v2-prod-11111111-after-rollback.md", after.filename());
    assertArrayEquals(MemoryReports.expected(rolledBack).getBytes(StandardCharsets.UTF_8), after.bytes(),
        "the second report is the run as rolled back");
    assertTrue(after.text().contains("| Status | **ROLLED_BACK** |"), after.text());
    assertEquals(Optional.of(first), source.fileOf(id, RunStatus.SUCCEEDED), "the first report's record stands");
  }

  @Test
  void aRollbackWhoseReportWasLostIsSharedByTheSweepAfterTheFirstReport() throws Exception {
    TrackedRun succeeded = deployRun("11111111-0000-4000-8000-000000000008", RunStatus.SUCCEEDED, THREAD);
    // The success was reported before a restart; the rollback finished while the bot was down.
    source.put(rolledBack(succeeded, RunStatus.ROLLBACK_FAILED));
    source.reported(succeeded.id(), RunStatus.SUCCEEDED, "F0EARLIER");
    reporter(SWEEPING);

    String fileId = awaitFile(succeeded.id(), RunStatus.ROLLBACK_FAILED).orElseThrow();
    assertEquals(List.of(fileId), ids(fake.filesInThread(CHANNEL, THREAD)), "the success is not uploaded again");
    assertEquals("Deploy report: api v2 to prod (after the rollback)", fake.files().get(0).title());
  }

  // Helpers

  private ThreadReports reporter() throws Exception {
    return reporter(FAST);
  }

  private ThreadReports reporter(ThreadReports.Timing timing) throws Exception {
    ThreadReports reports = get(onLoop(() -> Future.succeededFuture(
        new ThreadReports(vertx, source, new SlackFiles(vertx, slack, Duration.ofSeconds(5)), timing).start())));
    started.add(reports);
    return reports;
  }

  private static TrackedRun deployRun(String id, RunStatus status, String messageTs) {
    ChecklistRun run = ChecklistRun.start(id, CHECKLIST, "U0STARTER", STARTED).withStatus(status);
    Deployment deployment = Deployment.requested("api", "prod", "v2")
        .launched("U0STARTER", STARTED.plusSeconds(60), null)
        .failed(status == RunStatus.SUCCEEDED ? null : "Health: 503 Service Unavailable")
        .finished(STARTED.plusSeconds(300));
    return new TrackedRun(run, CHANNEL, messageTs, deployment);
  }

  /** The run rolled back by hand after it finished as {@code succeeded}. */
  private static TrackedRun rolledBack(TrackedRun succeeded, RunStatus status) {
    Deployment rolling = succeeded.deployment()
        .rollbackRequested("U0ROLLER", STARTED.plusSeconds(3600), "asked for by <@U0ROLLER>");
    return new TrackedRun(succeeded.run().withStatus(status), CHANNEL, succeeded.messageTs(),
        status == RunStatus.ROLLING_BACK ? rolling : rolling.finished(STARTED.plusSeconds(3700)));
  }

  /** Stores and announces the run {@code times} times on the event loop, as ChecklistRuns does. */
  private void announce(TrackedRun tracked, int times) throws Exception {
    get(onLoop(() -> {
      for (int i = 0; i < times; i++) {
        source.change(tracked);
      }
      return Future.succeededFuture();
    }));
  }

  /** Waits until the run was looked up {@code times} times, i.e. the reporter is waiting for its message. */
  private void awaitLooks(String runId, int times) throws Exception {
    Promise<Void> looked = Promise.promise();
    long timer = vertx.setPeriodic(5, id -> {
      if (source.finds(runId) >= times) {
        looked.tryComplete();
      }
    });
    try {
      get(looked.future());
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  /** The recorded file id, waiting for the write that follows the upload. */
  private Optional<String> awaitFile(String runId, RunStatus status) throws Exception {
    Promise<Optional<String>> recorded = Promise.promise();
    long timer = vertx.setPeriodic(10, id -> source.fileOf(runId, status)
        .ifPresent(file -> recorded.tryComplete(Optional.of(file))));
    try {
      return get(recorded.future());
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  private static List<String> ids(List<FakeSlack.SharedFile> files) {
    return files.stream().map(FakeSlack.SharedFile::id).toList();
  }

  /** Runs on one event loop, as the run services' listeners do. */
  private <T> Future<T> onLoop(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Throwable getFailure(Future<?> future) throws Exception {
    try {
      get(future);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
