package dev.preflight.deploy.runner;

import dev.preflight.deploy.target.TargetJournal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target's notebook for one deploy or rollback, kept in the deployment's deploy or rollback
 * state: what it records is written under the drive's lease, so a successor carries on from it.
 * Live progress goes to the run's message at most once a second.
 */
final class RunJournal implements TargetJournal {

  private static final Logger LOG = LoggerFactory.getLogger(RunJournal.class);
  private static final Duration PROGRESS_GAP = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final RunDriver driver;
  private final Drive drive;
  private final boolean rollback;
  private final Map<String, String> state;
  private final Future<Void> aborted;
  private Future<Void> writes = Future.succeededFuture();
  private String pendingStep;
  private String pendingDetail;
  private boolean progressQueued;
  private long lastProgress;
  private boolean closed;

  /** @param rollback whether this is the rollback's notebook rather than the deploy's */
  RunJournal(Vertx vertx, RunDriver driver, Drive drive, boolean rollback, Map<String, String> state,
      Future<Void> aborted) {
    this.vertx = vertx;
    this.driver = driver;
    this.drive = drive;
    this.rollback = rollback;
    this.state = new ConcurrentHashMap<>(state);
    this.aborted = aborted;
  }

  @Override
  public Map<String, String> state() {
    return Map.copyOf(state);
  }

  @Override
  public Future<Void> record(Map<String, String> entries) {
    state.putAll(entries);
    Map<String, String> snapshot = Map.copyOf(state);
    Future<Void> write = writes.otherwiseEmpty().compose(v -> driver.driven(drive,
        rollback ? RunDriver.ROLLBACK_RECORD : RunDriver.DEPLOY_RECORD,
        (conn, now) -> Future.succeededFuture(now.with(rollback
            ? now.deployment().withRollbackState(snapshot) : now.deployment().withDeployState(snapshot))))
        .<Void>mapEmpty());
    writes = write;
    return write;
  }

  @Override
  public void progress(String step, String detail) {
    pendingStep = step;
    pendingDetail = detail;
    if (progressQueued) {
      return;
    }
    progressQueued = true;
    long wait = Math.max(1, lastProgress + PROGRESS_GAP.toMillis() - System.currentTimeMillis());
    vertx.setTimer(wait, id -> {
      progressQueued = false;
      if (closed) {
        return;
      }
      lastProgress = System.currentTimeMillis();
      String s = pendingStep;
      String d = pendingDetail;
      writes = writes.otherwiseEmpty().compose(v -> driver.driven(drive, null,
          (conn, now) -> Future.succeededFuture(now.with(now.deployment().withStep(s, d)))).<Void>mapEmpty())
          .onFailure(e -> LOG.debug("Progress of run {} not stored: {}", drive.runId, e.getMessage()));
    });
  }

  @Override
  public Future<Void> aborted() {
    return aborted;
  }

  @Override
  public Future<Void> stopping() {
    return drive.stopping.future();
  }

  /** Waits for writes still under way, so the outcome is stored after them. */
  Future<Void> settled() {
    closed = true;
    return writes.otherwiseEmpty();
  }
}
