package dev.preflight.deploy.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import dev.preflight.checklists.deploy.Release;
import dev.preflight.deploy.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The figures computed from a history written straight into the tables, with chosen times, so
 * every figure can be worked out by hand (see the comments beside each row).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployStatsTest {

  private static final Instant NOW = Instant.parse("2024-06-30T12:00:00Z");
  private static final String ALICE = "U0ALICE";
  private static final String BOB = "U0BOB";
  private static final String CAROL = "U0CAROL";

  private static final Checklist RELEASE = new Checklist("release", "Release checklist", "checklists/release.yaml",
      null, List.of(new Section("Before", List.of(new Item("backup", "Backup taken", false, null)))),
      new SignOffRule(List.of(new SignOffRequirement("approver", 1), new SignOffRequirement("qa", 1)), false),
      List.of());

  private Vertx vertx;
  private Pool pool;
  private DeployStats stats;
  private String unlaunchedDeploy;
  private String waitingForAnyone;
  private String approvedAlready;

  @BeforeAll
  void storeHistory() throws Exception {
    vertx = Vertx.vertx();
    TestDatabase database = TestDatabase.create();
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    Map<String, Checklist> checklists = Map.of("release", RELEASE);
    stats = new DeployStats(pool, id -> Optional.ofNullable(checklists.get(id)), Clock.fixed(NOW, ZoneOffset.UTC));

    // backend in production, in the window.
    // R1 succeeds: lead 10:00 → 10:30 = 30m.
    String r1 = deploy("backend", "production", "v1.0.0", "SUCCEEDED", "2024-06-01T10:00:00Z",
        "2024-06-01T10:20:00Z", null, "2024-06-01T10:30:00Z");
    release("backend", "production", "v1.0.0", r1, "2024-06-01T10:30:00Z", Release.DEPLOY);
    // R2 fails at 09:12, is rolled back from 09:15, restored by its rollback's release at 09:20: 8m.
    String r2 = deploy("backend", "production", "v1.1.0", "ROLLED_BACK", "2024-06-05T09:00:00Z",
        "2024-06-05T09:10:00Z", "2024-06-05T09:15:00Z", "2024-06-05T09:25:00Z");
    release("backend", "production", "v1.0.0", r2, "2024-06-05T09:20:00Z", Release.ROLLBACK);
    // Its verification failed at 09:12, before anyone started the rollback: that is when it broke.
    get(pool.preparedQuery("insert into audit_log (at, run_id, action, detail) values ($1, $2, 'deploy.verified', $3)")
        .execute(Tuple.of(time("2024-06-05T09:12:00Z"), UUID.fromString(r2),
            new io.vertx.core.json.JsonObject().put("from", "VERIFYING").put("to", "FAILED"))));
    // R3 succeeds: lead 08:00 → 09:30 = 90m.
    String r3 = deploy("backend", "production", "v1.2.0", "SUCCEEDED", "2024-06-10T08:00:00Z",
        "2024-06-10T08:30:00Z", null, "2024-06-10T09:30:00Z");
    release("backend", "production", "v1.2.0", r3, "2024-06-10T09:30:00Z", Release.DEPLOY);
    // R4 fails at 10:15 with no rollback; a staging release at 10:30 must not count as its restore.
    deploy("backend", "production", "v1.3.0", "FAILED", "2024-06-12T10:00:00Z", "2024-06-12T10:05:00Z", null,
        "2024-06-12T10:15:00Z");
    release("backend", "staging", "v1.3.0", null, "2024-06-12T10:30:00Z", Release.DEPLOY);
    // R5 succeeds (lead 11:00 → 11:15 = 15m) and so restores R4 at 11:15: 60m.
    String r5 = deploy("backend", "production", "v1.3.1", "SUCCEEDED", "2024-06-12T11:00:00Z",
        "2024-06-12T11:05:00Z", null, "2024-06-12T11:15:00Z");
    release("backend", "production", "v1.3.1", r5, "2024-06-12T11:15:00Z", Release.DEPLOY);
    // Still deploying: a deploy, not yet finished.
    deploy("backend", "production", "v1.4.0", "DEPLOYING", "2024-06-20T10:00:00Z", "2024-06-20T10:01:00Z", null,
        null);
    // Never launched: not a deploy, but still open for sign-offs.
    unlaunchedDeploy = deploy("backend", "production", "v1.5.0", "PREPARING", "2024-06-25T10:00:00Z", null, null, null);
    // Launched before the window: left out entirely.
    deploy("backend", "production", "v0.9.0", "FAILED", "2024-05-01T10:00:00Z", "2024-05-01T10:05:00Z", null,
        "2024-05-01T10:10:00Z");

    // backend in staging: one failed rollback and nothing released since.
    deploy("backend", "staging", "v1.4.0", "ROLLBACK_FAILED", "2024-06-15T09:00:00Z", "2024-06-15T09:10:00Z",
        "2024-06-15T10:00:00Z", "2024-06-15T10:05:00Z");

    // Open runs for the sign-off queue; the checklist needs an approver and a qa.
    waitingForAnyone = open("release", ALICE, "PREPARING", "2024-06-29T09:00:00Z");
    open("release", BOB, "PREPARING", "2024-06-29T09:01:00Z");
    approvedAlready = open("release", ALICE, "PREPARING", "2024-06-29T09:02:00Z");
    signOff(approvedAlready, CAROL, "approver");
    String bobSigned = open("release", ALICE, "PREPARING", "2024-06-29T09:03:00Z");
    signOff(bobSigned, BOB, "approver");
    open("release", ALICE, "SUCCEEDED", "2024-06-29T09:04:00Z");
    open("retired-checklist", ALICE, "PREPARING", "2024-06-29T09:05:00Z");
  }

  @AfterAll
  void stop() {
    pool.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void productionFiguresCountLaunchedRunsInTheWindowOnly() throws Exception {
    EnvironmentFigures production = figures("backend", "production");
    assertEquals(6, production.deploys(), "five finished and one deploying; the old and unlaunched runs are out");
    assertEquals(5, production.finished());
    assertEquals(2, production.failed());
    assertEquals(0.4, production.changeFailureRate().orElseThrow(), 1e-9);
  }

  @Test
  void medianLeadTimeRunsFromTheDeployCommandToSuccess() throws Exception {
    assertEquals(Duration.ofMinutes(30), figures("backend", "production").medianLeadTime(),
        "the median of 30m, 90m and 15m");
  }

  @Test
  void timeToRestoreRunsToTheNextReleaseOfTheSameEnvironment() throws Exception {
    EnvironmentFigures production = figures("backend", "production");
    assertEquals(2, production.failures());
    assertEquals(2, production.restored());
    assertEquals(Duration.ofMinutes(34), production.medianTimeToRestore(),
        "the median of 8m (from the failure, not the rollback's start) and 60m (the next successful deploy)");
  }

  @Test
  void failureWithNothingReleasedSinceIsUnrestored() throws Exception {
    EnvironmentFigures staging = figures("backend", "staging");
    assertEquals(1, staging.deploys());
    assertEquals(1.0, staging.changeFailureRate().orElseThrow(), 1e-9);
    assertNull(staging.medianLeadTime());
    assertEquals(1, staging.unrestored());
    assertNull(staging.medianTimeToRestore());
  }

  @Test
  void onlyEnvironmentsWithDeploysInTheWindowAreListed() throws Exception {
    List<EnvironmentFigures> all = get(stats.figures());
    assertEquals(List.of("backend/production", "backend/staging"),
        all.stream().map(f -> f.service() + "/" + f.environment()).toList());
  }

  @Test
  void approverIsAskedOnlyWhereTheirSignOffWouldCount() throws Exception {
    List<PendingSignOff> pending = get(stats.pendingSignOffs(Set.of("approver"), BOB));
    assertEquals(List.of(unlaunchedDeploy, waitingForAnyone), pending.stream().map(p -> p.run().id()).toList(),
        "oldest first; not the run Bob started, the one already approved, the one he signed, the finished one");
    assertEquals("approver", pending.get(0).role());
  }

  @Test
  void aSecondRoleOpensRunsWhereOnlyThatRoleIsMissing() throws Exception {
    List<PendingSignOff> pending = get(stats.pendingSignOffs(Set.of("approver", "qa"), BOB));
    assertEquals(List.of(unlaunchedDeploy, waitingForAnyone, approvedAlready), pending.stream().map(p -> p.run().id()).toList());
    assertEquals(List.of("approver", "approver", "qa"), pending.stream().map(PendingSignOff::role).toList());
  }

  @Test
  void aUserWithoutRolesHasNothingToSign() throws Exception {
    assertEquals(List.of(), get(stats.pendingSignOffs(Set.of(), CAROL)));
    assertEquals(List.of(), get(stats.pendingSignOffs(Set.of("deployer"), CAROL)));
  }

  @Test
  void historyListsReleasesAndRollbacksNewestFirstWithTheirDurations() throws Exception {
    List<HistoryEntry> history = get(stats.history("backend", "production", 3));
    assertEquals(List.of("v1.3.1", "v1.2.0", "v1.0.0"), history.stream().map(e -> e.release().version()).toList());
    assertEquals(Duration.ofMinutes(10), history.get(0).took(), "launched 11:05, released 11:15");
    assertEquals(Duration.ofMinutes(60), history.get(1).took());
    HistoryEntry rollback = history.get(2);
    assertTrue(rollback.rollback());
    assertFalse(rollback.failed(), "its run ended ROLLED_BACK");
    assertEquals("v1.1.0", rollback.replacedVersion());
    assertEquals(Duration.ofMinutes(5), rollback.took(), "rollback started 09:15, restored 09:20");
    assertEquals("U0DEPLOYER", rollback.release().by());
  }

  @Test
  void releaseWithoutARunHasNoDuration() throws Exception {
    List<HistoryEntry> history = get(stats.history("backend", "staging", 10));
    assertEquals(2, history.size(), "the release, and the failed rollback after it");
    assertNull(history.get(1).took());
    assertEquals(Release.DEPLOY, history.get(1).release().kind());
  }

  @Test
  void aRollbackThatFailedBeforeRestoringAnythingIsListedAsFailed() throws Exception {
    HistoryEntry failed = get(stats.history("backend", "staging", 10)).get(0);
    assertTrue(failed.rollback());
    assertTrue(failed.failed(), "its run ended ROLLBACK_FAILED");
    assertEquals("v1.4.0", failed.replacedVersion());
    assertEquals(Instant.parse("2024-06-15T10:05:00Z"), failed.release().at(), "when the rollback ended");
    assertEquals(Duration.ofMinutes(5), failed.took(), "started 10:00, failed 10:05");
    assertNull(failed.release().by(), "the bot started it");
  }

  private EnvironmentFigures figures(String service, String environment) throws Exception {
    return get(stats.figures()).stream()
        .filter(f -> f.service().equals(service) && f.environment().equals(environment))
        .findFirst().orElseThrow();
  }

  private String deploy(String service, String environment, String version, String status, String started,
      String launched, String rollbackAt, String finished) throws Exception {
    String id = insertRun("deploy", "release", ALICE, status, started, service, environment);
    get(pool.preparedQuery("insert into deployments (run_id, service, environment, version, launched_by, launched_at, "
            + "rollback_at, finished_at) values ($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(Tuple.from(Arrays.asList(UUID.fromString(id), service, environment, version,
            launched == null ? null : ALICE, time(launched), time(rollbackAt), time(finished)))));
    return id;
  }

  private String open(String checklist, String startedBy, String status, String started) throws Exception {
    return insertRun("checklist", checklist, startedBy, status, started, null, null);
  }

  private String insertRun(String kind, String checklist, String startedBy, String status, String started,
      String service, String environment) throws Exception {
    UUID id = UUID.randomUUID();
    get(pool.preparedQuery("insert into runs (id, kind, checklist_id, started_by, started_at, status, service, "
            + "environment) values ($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(Tuple.from(Arrays.asList(id, kind, checklist, startedBy, time(started), status, service,
            environment))));
    return id.toString();
  }

  private void release(String service, String environment, String version, String runId, String at, String kind)
      throws Exception {
    get(pool.preparedQuery("insert into releases (service, environment, version, run_id, released_by, released_at, "
            + "kind) values ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.from(Arrays.asList(service, environment, version,
            runId == null ? null : UUID.fromString(runId), Release.ROLLBACK.equals(kind) ? "U0DEPLOYER" : ALICE,
            time(at), kind))));
  }

  private void signOff(String runId, String user, String role) throws Exception {
    get(pool.preparedQuery("insert into sign_offs (run_id, user_id, role, signed_at) values ($1, $2, $3, $4)")
        .execute(Tuple.of(UUID.fromString(runId), user, role, time("2024-06-29T10:00:00Z"))));
  }

  private static OffsetDateTime time(String at) {
    return at == null ? null : Instant.parse(at).atOffset(ZoneOffset.UTC);
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
