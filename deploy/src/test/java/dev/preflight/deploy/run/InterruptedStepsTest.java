package dev.preflight.deploy.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.checklist.Section;
import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.config.ActionSpec;
import dev.preflight.checklists.config.CommandAction;
import dev.preflight.checklists.config.Pipeline;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Role;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.config.WhenFailed;
import dev.preflight.checklists.deploy.AbortRule;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.deploy.LockCause;
import dev.preflight.checklists.deploy.Target;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.action.Actions;
import dev.preflight.deploy.action.CommandActionRunner;
import dev.preflight.deploy.runner.RollbackStart;
import dev.preflight.deploy.target.CommandTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica stopped (SIGTERM, a rolling upgrade) while a command of a deploy runs: the command is
 * killed, and the replica that takes the run over does not know how it ended. The docs' own
 * pattern (a backup before, a migration after, a restore when the migration failed, automatic
 * rollback on the migration) must then neither restore the backup nor roll back: the run ends
 * held and the environment locked, with real commands, the real runner and PostgreSQL.
 */
class InterruptedStepsTest {

  private static final Checklist CHECKLIST = new Checklist("gate", "Gate", "gate.yaml", null,
      List.of(new Section("Before", List.of(new Item("ready", "Ready", true, null)))), SignOffRule.NONE, List.of());

  @TempDir
  Path dir;
  private Vertx vertx;
  private TestDatabase database;
  private final List<Pool> pools = new ArrayList<>();
  private final List<DeployRuns> replicas = new ArrayList<>();
  private final List<RunNote> notes = new CopyOnWriteArrayList<>();
  private ChecklistRuns runs;
  private Pool pool;
  private Path calls;
  private Path script;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    database = TestDatabase.create();
    calls = dir.resolve("calls.log");
    Files.writeString(calls, "");
    // Logs each call; "slow" calls then run for 30 s, as the tester's migration did.
    script = dir.resolve("ops.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
        + "case \"$1\" in slow) exec sleep 30 ;; esac\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }

  @AfterEach
  void tearDown() {
    replicas.forEach(DeployRuns::close);
    pools.forEach(Pool::close);
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aMigrationAShutdownStoppedIsNotRolledBackAndItsEnvironmentIsHeld() throws Exception {
    PreflightConfig config = config(List.of(script.toString(), "deploy", "{version}"), List.of("slow", "migrate"));
    DeployRuns first = replica(config);
    String runId = launch(first, "v1.4.0");
    TrackedRun running = await(runId, run -> run.deployment().deployState().containsKey("after.0.pid"));
    long pid = Long.parseLong(running.deployment().deployState().get("after.0.pid"));

    get(first.stop(Duration.ofSeconds(10)));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the migration was stopped");
    assertEquals(RunStatus.DEPLOYING, get(runs.find(runId)).run().status(), "a stopping replica writes no outcome");

    DeployRuns second = replica(config);
    get(second.resume());
    TrackedRun done = await(runId, run -> RunStatus.FINISHED.contains(run.run().status()));

    assertEquals(RunStatus.FAILED, done.run().status());
    assertEquals(List.of("backup v1.4.0", "deploy v1.4.0", "slow migrate"), calls(),
        "neither the restore step nor the rollback command ran");
    assertEquals(List.of("DEPLOYING>FAILED"), statusChanges(runId), "no automatic rollback");
    Map<String, String> state = done.deployment().deployState();
    assertEquals("unknown", state.get("after.0.outcome"));
    String stopped = script + " was stopped part-way when Preflight shut down; what it had done by then is unknown. "
        + "Check it by hand";
    assertEquals(stopped, state.get("after.0.summary"));
    assertEquals("migration was interrupted: " + stopped, done.deployment().failure());
    assertTrue(RollbackStart.interrupted(done.deployment()));
    assertEquals(Optional.of(new LockCause.Interrupted("v1.4.0", "migration", false)), lock().map(EnvLock::cause),
        "the environment is held for a person to check");
    RunNote note = notes.stream().filter(n -> n.kind() == RunNote.Kind.STEP_UNKNOWN).findFirst().orElseThrow();
    assertEquals("migration", note.step());
  }

  @Test
  void aCommandDeployAShutdownStoppedIsNotRolledBack() throws Exception {
    PreflightConfig config = config(List.of(script.toString(), "slow", "deploy", "{version}"),
        List.of("migrate"));
    DeployRuns first = replica(config);
    String runId = launch(first, "v1.4.0-slow");
    TrackedRun running = await(runId, run -> run.deployment().deployState().containsKey("pid"));
    long pid = Long.parseLong(running.deployment().deployState().get("pid"));

    get(first.stop(Duration.ofSeconds(10)));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the deploy command was stopped");

    DeployRuns second = replica(config);
    get(second.resume());
    TrackedRun done = await(runId, run -> RunStatus.FINISHED.contains(run.run().status()));

    assertEquals(RunStatus.FAILED, done.run().status());
    assertEquals(List.of("backup v1.4.0-slow", "slow deploy v1.4.0-slow"), calls(),
        "no migration after it, no restore, no rollback command");
    assertEquals(List.of("DEPLOYING>FAILED"), statusChanges(runId));
    assertEquals("unknown", done.deployment().deployState().get("outcome"));
    assertEquals("The deploy was interrupted: " + script + " was stopped part-way when Preflight shut down; what it "
        + "had done by then is unknown. Check it by hand", done.deployment().failure());
    assertEquals(Optional.of(new LockCause.Interrupted("v1.4.0-slow", null, false)), lock().map(EnvLock::cause));
  }

  /** The docs' pattern: backup before, migration after, restore when the migration failed, all abort criteria. */
  private PreflightConfig config(List<String> deploy, List<String> migration) {
    List<String> migrate = new ArrayList<>(List.of(script.toString()));
    migrate.addAll(migration);
    List<ActionSpec> before = List.of(command("backup", List.of(script.toString(), "backup", "{version}")));
    List<ActionSpec> after = List.of(command("migration", migrate));
    List<ActionSpec> rollbackBefore = List.of(new WhenFailed("migration",
        command("restore", List.of(script.toString(), "restore"))));
    Service.Environment prod = new Service.Environment("prod", "gate", "deploys", List.of("deployer"), false,
        new Target.Command(deploy, List.of(script.toString(), "rollback", "{version}"), Map.of(), null,
            Duration.ofMinutes(1)),
        Verification.NONE, new AbortRule(Set.of(AbortRule.DEPLOY, "migration", "health"), true), null, null,
        new Pipeline(before, after, rollbackBefore, List.of()), null);
    return new PreflightConfig("preflight.yaml", "white_check_mark",
        Map.of("deployer", new Role("deployer", List.of("U1"), List.of())), Map.of("deploys", "C0DEPLOYS1"),
        Map.of("api", new Service("api", Map.of("prod", prod))), Map.of("gate", CHECKLIST));
  }

  private static CommandAction command(String name, List<String> argv) {
    return new CommandAction(name, argv, Map.of(), null, Duration.ofMinutes(1));
  }

  private DeployRuns replica(PreflightConfig config) {
    pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    pools.add(pool);
    RunRepository repository = new RunRepository(pool, config::checklist);
    runs = new ChecklistRuns(vertx, repository, spec -> Future.failedFuture("unused"), config::checklist,
        Clock.systemUTC());
    CommandTarget command = new CommandTarget(vertx, Duration.ofMillis(100));
    Actions actions = Actions.builder()
        .with(CommandAction.class, new CommandActionRunner(vertx, Duration.ofMillis(100)))
        .build();
    DeployRuns replica = new DeployRuns(vertx, config, runs, repository, target -> command,
        (checks, placeholders, onResult, aborted) -> Future.succeededFuture(List.of()), Variables.of(Map.of()),
        Clock.systemUTC(), Duration.ofSeconds(30), actions);
    replica.onNote(notes::add);
    replicas.add(replica);
    return replica;
  }

  private String launch(DeployRuns deploys, String version) throws Exception {
    return StoredRuns.launch(deploys, runs, version);
  }

  private TrackedRun await(String runId, Predicate<TrackedRun> until) throws Exception {
    return StoredRuns.await(vertx, runs, runId, until);
  }

  private Optional<EnvLock> lock() throws Exception {
    return get(new DeploymentStore(pool).lockOf("api", "prod"));
  }

  private List<String> calls() throws Exception {
    return Files.readAllLines(calls).stream().map(String::strip).toList();
  }

  private List<String> statusChanges(String runId) throws Exception {
    return StoredRuns.statusChanges(pool, runId);
  }

  private static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
