package dev.preflight.deploy.action;

import dev.preflight.checklists.config.RdsSnapshotAction;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.Observation;
import dev.preflight.deploy.runner.Rollout;
import dev.preflight.deploy.target.TargetOutcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.rds.RdsAsyncClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

/**
 * Runs an {@code rds-snapshot} step: CreateDBSnapshot, then DescribeDBSnapshots every interval
 * until the snapshot is available. The snapshot's name is recorded before it is asked for, so
 * after a crash the next attempt follows that snapshot (CreateDBSnapshot answering that it
 * exists is then no error) rather than taking a second one. An abort or a timeout stops
 * following; the snapshot, once asked for, is left to finish.
 */
public final class RdsSnapshotRunner implements ActionRunner<RdsSnapshotAction> {

  static final String SNAPSHOT = "snapshot";
  static final String STARTED_AT = "startedAt";
  private static final int NAME_LIMIT = 255;

  private final Vertx vertx;
  private final AwsClients clients;
  private final FollowRunner runner;

  /** @param interval between two DescribeDBSnapshots of a snapshot still being taken */
  public RdsSnapshotRunner(Vertx vertx, AwsClients clients, Duration interval) {
    this.vertx = vertx;
    this.clients = clients;
    this.runner = new FollowRunner(vertx, interval);
  }

  @Override
  public Future<ActionOutcome> run(RdsSnapshotAction spec, ActionContext context) {
    SnapshotRollout rollout = new SnapshotRollout(spec, context);
    return runner.run(rollout, context.journal())
        .map(outcome -> new ActionOutcome(outcome.succeeded(), outcome.summary(), outcome.detail(), rollout.link()));
  }

  /**
   * A name RDS accepts: letters, digits and single hyphens, starting with a letter, not ending
   * with a hyphen, at most 255 characters; anything else becomes a hyphen ({@code 1.2.3} reads
   * {@code 1-2-3}).
   */
  static String snapshotName(String filled) {
    String name = filled.replaceAll("[^A-Za-z0-9-]", "-").replaceAll("-{2,}", "-");
    if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
      name = "s-" + name;
    }
    if (name.length() > NAME_LIMIT) {
      name = name.substring(0, NAME_LIMIT);
    }
    while (name.endsWith("-")) {
      name = name.substring(0, name.length() - 1);
    }
    return name;
  }

  private final class SnapshotRollout implements Rollout {

    private final RdsSnapshotAction spec;
    private final ActionContext context;
    private String instance;
    private String snapshot;
    private String region;
    private Instant startedAt;

    SnapshotRollout(RdsSnapshotAction spec, ActionContext context) {
      this.spec = spec;
      this.context = context;
    }

    private RdsAsyncClient rds() {
      return clients.rds(region);
    }

    String link() {
      return snapshot == null || region == null ? null : "https://" + region + ".console.aws.amazon.com/rds/home?region="
          + region + "#db-snapshot:id=" + snapshot;
    }

    @Override
    public Future<Observation> start() {
      Map<String, String> state = context.journal().state();
      Fill fill = new Fill(context);
      try {
        instance = fill.variables(spec.dbInstance());
        region = spec.region() == null ? null : fill.variables(spec.region());
        snapshot = state.containsKey(SNAPSHOT) ? state.get(SNAPSHOT) : snapshotName(fill.text(spec.snapshot()));
      } catch (Variables.MissingVariableException e) {
        return Future.succeededFuture(Observation.failed(e.getMessage(), null));
      }
      boolean again = state.containsKey(SNAPSHOT);
      startedAt = AwsCall.recordedOrNow(state.get(STARTED_AT));
      return context.journal().record(Map.of(SNAPSHOT, snapshot, STARTED_AT, startedAt.toString()))
          .compose(v -> AwsCall.call(vertx, () -> rds().createDBSnapshot(r -> r.dbInstanceIdentifier(instance)
              .dbSnapshotIdentifier(snapshot))))
          .map(created -> Observation.running("Snapshot " + snapshot + " " + created.dbSnapshot().status(), null))
          .recover(e -> {
            if ("DBSnapshotAlreadyExists".equals(AwsCall.code(e)) && again) {
              // This bot asked for it before a restart: follow it.
              return Future.succeededFuture(Observation.running("Following snapshot " + snapshot, null));
            }
            return AwsCall.refused(e)
                ? Future.succeededFuture(Observation.failed(AwsCall.line("CreateDBSnapshot", e, context.redactor()), null))
                : Future.failedFuture(e);
          });
    }

    @Override
    public Instant deadline() {
      return startedAt.plus(spec.timeout());
    }

    @Override
    public Future<Observation> observe() {
      return AwsCall.call(vertx, () -> rds().describeDBSnapshots(r -> r.dbSnapshotIdentifier(snapshot)))
          .map(response -> {
            if (response.dbSnapshots().isEmpty()) {
              return Observation.failed("Snapshot " + snapshot + " is not known to RDS", null);
            }
            DBSnapshot found = response.dbSnapshots().get(0);
            String status = String.valueOf(found.status());
            String elapsed = Spans.format(Duration.between(startedAt, Instant.now()));
            if (status.equals("available")) {
              return Observation.succeeded("Snapshot " + snapshot + " of " + instance + " available after " + elapsed,
                  null, null);
            }
            if (status.equals("failed") || status.equals("error") || status.equals("deleted")) {
              return Observation.failed("Snapshot " + snapshot + " of " + instance + " is " + status, null);
            }
            Integer percent = found.percentProgress();
            return Observation.running("Snapshot " + snapshot + " " + status, percent == null ? null : percent + "%");
          })
          .recover(e -> AwsCall.refused(e)
              ? Future.succeededFuture(Observation.failed(AwsCall.line("DescribeDBSnapshots", e, context.redactor()),
                  null))
              : Future.failedFuture(e));
    }

    @Override
    public Future<TargetOutcome> stop(Halt why) {
      String reason = why == Halt.TIMED_OUT ? "timed out after " + Spans.format(spec.timeout()) : "Aborted";
      return Future.succeededFuture(TargetOutcome.failure(snapshot == null ? reason
          : reason + "; snapshot " + snapshot + " was asked for and is left to finish", null));
    }

    @Override
    public TargetOutcome failed(Throwable failure) {
      return TargetOutcome.failure(AwsCall.line("RDS snapshot", failure, context.redactor()), null);
    }
  }
}
