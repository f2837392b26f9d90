package dev.preflight.deploy.runner;

import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** What a step may see and do while the driver runs it: one run, under this drive's lease. */
public final class StepContext {

  private final Vertx vertx;
  private final RunDriver driver;
  private final Drive drive;
  private final TrackedRun run;
  private final Service.Environment environment;

  StepContext(Vertx vertx, RunDriver driver, Drive drive, TrackedRun run, Service.Environment environment) {
    this.vertx = vertx;
    this.driver = driver;
    this.drive = drive;
    this.run = run;
    this.environment = environment;
  }

  Vertx vertx() {
    return vertx;
  }

  /** The run as stored when the step began. */
  public TrackedRun run() {
    return run;
  }

  public Deployment deployment() {
    return run.deployment();
  }

  public Service.Environment environment() {
    return environment;
  }

  public Variables variables() {
    return driver.variables();
  }

  public Clock clock() {
    return driver.clock();
  }

  /** Completes when the run is aborted, here or on another replica. */
  public Future<Void> aborted() {
    return drive.abort.future();
  }

  /** Completes when this replica stops; the step stops too, and what it saw then is no outcome. */
  public Future<Void> stopping() {
    return drive.stopping.future();
  }

  /**
   * Whether the run is aborted: it was ABORTING when the step began, or an abort is known now
   * (inside a result's evidence, as the transaction writing it found it).
   */
  public boolean abortRequested() {
    return run.run().status() == RunStatus.ABORTING || drive.aborted();
  }

  /** A target's journal for this run's deploy or rollback, starting from {@code state}. */
  RunJournal journal(boolean rollback, Map<String, String> state, Future<Void> aborted) {
    return new RunJournal(vertx, driver, drive, rollback, state, aborted);
  }

  /** Writes what the step saw so far (not its result) under the drive's lease. */
  public Future<Void> record(UnaryOperator<Deployment> change) {
    return driver.driven(drive, null, (conn, now) -> Future.succeededFuture(now.with(change.apply(now.deployment()))))
        .mapEmpty();
  }

  /**
   * Writes what the step saw, like {@link #record}, with an audit entry by the bot when
   * {@code audit} finds one in the run as stored before the change. It is asked under the run's
   * row lock, so two looks at the same run never both write it. Answers whether it was written.
   */
  public Future<Boolean> record(UnaryOperator<Deployment> change, String action,
      Function<Deployment, Optional<JsonObject>> audit) {
    AtomicBoolean audited = new AtomicBoolean();
    return driver.driven(drive, null, (conn, now) -> {
      Optional<JsonObject> detail = audit.apply(now.deployment());
      TrackedRun after = now.with(change.apply(now.deployment()));
      if (detail.isEmpty()) {
        return Future.succeededFuture(after);
      }
      audited.set(true);
      return driver.audit(conn, run.id(), action, detail.get()).map(after);
    }).map(more -> audited.get());
  }

  /** The run as stored now; a person may have changed it (promoted or paused a canary stage) since the step began. */
  public Future<TrackedRun> current() {
    return driver.stored(run.id());
  }

  /**
   * Completes when someone changes the run for the step to look at (a canary stage promoted,
   * paused or resumed) through this replica; a step also reads {@link #current()} now and then
   * for changes made through another.
   */
  public Future<Void> changed() {
    return drive.nudged();
  }

  /** Text for the run's thread. */
  public void note(RunNote note) {
    driver.note(note);
  }

  /** Fails the step quietly when this replica began to stop meanwhile. */
  public <T> Future<T> unlessStopping(T value) {
    return drive.unlessStopping(value);
  }
}
