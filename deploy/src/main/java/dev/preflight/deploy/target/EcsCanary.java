package dev.preflight.deploy.target;

import dev.preflight.checklists.config.RolloutPlan;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.aws.EcsNames;
import dev.preflight.deploy.aws.Elbv2Client;
import dev.preflight.deploy.aws.Elbv2Client.Weighted;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.PollRounds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An ECS canary: two services of one app behind one ALB listener rule (or a listener's default
 * action) that forwards to two target groups with weights. The stable service (the target's own)
 * sits in one target group, the canary service in the other.
 * <ul>
 *   <li>deploy: weights stable 100 / canary 0, then the canary service gets a new revision of the
 *       stable service's task definition (tagged with the version) and its task count, followed
 *       until its rollout is COMPLETED. The stable service is not touched.
 *   <li>each stage: the rule forwards {@code 100 - w} to the stable group and {@code w} to the
 *       canary group; the weights are set, not added, so a repeat does no harm.
 *   <li>promote: the stable service gets the canary service's task definition and is followed to
 *       COMPLETED; then weights go back to stable 100 / canary 0, and the canary service scales to 0.
 *   <li>abort, and the rollback: weights stable 100 / canary 0 first, then the canary service scales
 *       to 0; a rollback then restores the stable service's task definition as a plain ECS rollback
 *       does (nothing is sent when it still runs it).
 * </ul>
 * Every call sets a state rather than changing one, so a restart may repeat any of them; the
 * deploy's own UpdateService is journalled by {@link EcsRollout} as for a plain ECS deploy.
 */
final class EcsCanary implements Canary {

  private final Vertx vertx;
  private final AwsClients aws;
  private final Elbv2Client elb;
  private final FollowRunner runner;
  private final PollRounds rounds;

  EcsCanary(Vertx vertx, AwsClients aws, Elbv2Client elb, FollowRunner runner, PollRounds rounds) {
    this.vertx = vertx;
    this.aws = aws;
    this.elb = elb;
    this.runner = runner;
    this.rounds = rounds;
  }

  /**
   * The canary's names with the job's placeholders filled and {@code ${NAME}} references resolved:
   * the forwarding rule or listener, both target groups and both services.
   */
  private record Sides(String forwarder, String stableGroup, String canaryGroup, int desired, EcsSettings stable,
      EcsSettings canary) {

    static Sides of(DeployJob job, RolloutPlan.Traffic traffic, Redactor redactor) {
      if (!(traffic instanceof RolloutPlan.Traffic.TargetGroups groups)) {
        throw new IllegalArgumentException("an ecs target shifts traffic with traffic.listenerRule, not " + traffic);
      }
      EcsSettings stable = EcsSettings.resolve(job, redactor);
      return new Sides(resolve(job, groups.forwarder(), redactor), resolve(job, groups.stableTargetGroup(), redactor),
          resolve(job, groups.canaryTargetGroup(), redactor), groups.canaryDesiredCount(), stable,
          stable.withService(resolve(job, groups.canaryService(), redactor)));
    }

    private static String resolve(DeployJob job, String text, Redactor redactor) {
      return job.variables().resolve(Placeholders.fill(text, EcsSettings.placeholders(job)), redactor).trim();
    }

    List<Weighted> weights(int canary) {
      return List.of(new Weighted(stableGroup, 100 - canary), new Weighted(canaryGroup, canary));
    }
  }

  /** Runs {@code then} with the resolved sides; a name that does not resolve fails the future instead. */
  private static <T> Future<T> with(DeployJob job, RolloutPlan.Traffic traffic, Redactor redactor,
      Function<Sides, Future<T>> then) {
    Sides sides;
    try {
      sides = Sides.of(job, traffic, redactor);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return then.apply(sides);
  }

  @Override
  public Future<TargetOutcome> shift(DeployJob job, RolloutPlan.Traffic traffic, int weight) {
    Redactor redactor = new Redactor();
    return with(job, traffic, redactor, sides -> elb.forward(sides.forwarder(), sides.weights(weight)))
        .map(weights -> TargetOutcome.success("Traffic at " + weight + "%", null, null))
        .recover(failure -> Future.succeededFuture(EcsFailures.outcome(failure, redactor)));
  }

  @Override
  public Future<TargetOutcome> promote(DeployJob job, RolloutPlan.Traffic traffic) {
    Redactor redactor = new Redactor();
    Context context = vertx.getOrCreateContext();
    return with(job, traffic, redactor, sides -> promote(job, sides, context, redactor))
        .recover(failure -> Future.succeededFuture(EcsFailures.outcome(failure, redactor)));
  }

  private Future<TargetOutcome> promote(DeployJob job, Sides sides, Context context, Redactor redactor) {
    EcsSettings stable = sides.stable();
    EcsSettings canary = sides.canary();
    return context.executeBlocking(() -> aws.ecs(stable.region()), false).compose(client -> {
      EcsCalls stableCalls = new EcsCalls(context, client, stable);
      EcsCalls canaryCalls = new EcsCalls(context, client, canary);
      // What the deploy registered, as the run recorded it; a run that recorded none asks the canary service.
      Future<String> deployed = job.revision() != null ? Future.succeededFuture(job.revision())
          : canaryCalls.service().map(service -> service.taskDefinition());
      return deployed.compose(arn -> {
        EcsRollout onStable = new EcsRollout(stableCalls, rounds, stable, job.version(), arn, new StageJournal(), redactor);
        return runner.run(onStable, new StageJournal()).compose(followed -> {
          if (!followed.succeeded()) {
            return Future.succeededFuture(TargetOutcome.failure("The stable service " + stable.where()
                + " did not take " + EcsNames.shortTaskDefinition(arn) + ": " + followed.summary(), followed.detail()));
          }
          return elb.forward(sides.forwarder(), sides.weights(0))
              .compose(weights -> canaryCalls.scale(0))
              .map(v -> TargetOutcome.success(redactor.redact("Promoted: " + stable.where() + " runs "
                  + EcsNames.shortTaskDefinition(arn) + " with all traffic; " + canary.service() + " scaled to 0"),
                  arn, null));
        });
      });
    });
  }

  @Override
  public Future<TargetOutcome> abort(DeployJob job, RolloutPlan.Traffic traffic) {
    Redactor redactor = new Redactor();
    return back(job, traffic, redactor)
        .map(v -> TargetOutcome.success("Traffic back on the stable version", null, null))
        .recover(failure -> Future.succeededFuture(EcsFailures.outcome(failure, redactor)));
  }

  /**
   * The target's deploy for an environment with this canary: all traffic on the stable group,
   * then the new revision on the canary service, followed to COMPLETED.
   */
  Future<TargetOutcome> deploy(DeployJob job, TargetJournal journal) {
    Redactor redactor = new Redactor();
    Context context = vertx.getOrCreateContext();
    return with(job, job.traffic(), redactor, sides -> {
      journal.progress("Sending all traffic to the stable service", sides.stable().where());
      return elb.forward(sides.forwarder(), sides.weights(0))
          .compose(weights -> context.executeBlocking(() -> aws.ecs(sides.stable().region()), false))
          .map(client -> new EcsRollout(new EcsCalls(context, client, sides.canary()),
              new EcsCalls(context, client, sides.stable()), sides.desired(), rounds, sides.canary(), job.version(), null,
              journal, redactor))
          .compose(rollout -> runner.run(rollout, journal));
    }).recover(failure -> Future.succeededFuture(EcsFailures.outcome(failure, redactor)));
  }

  /**
   * The target's rollback for an environment with this canary: traffic back on the stable group at
   * once, the canary service scaled to 0, then the stable service restored to {@code job.revision()}
   * by {@code restore} (which sends nothing when it still runs it).
   */
  Future<TargetOutcome> rollback(DeployJob job, TargetJournal journal,
      Supplier<Future<TargetOutcome>> restore) {
    Redactor redactor = new Redactor();
    journal.progress("Sending all traffic to the stable service", job.service());
    // The stable service is restored even when the load balancer could not be reached: it is
    // what serves the traffic once the weights can be set again.
    return back(job, job.traffic(), redactor).transform(traffic -> restore.get().map(restored -> {
      if (traffic.succeeded()) {
        return restored;
      }
      TargetOutcome failed = EcsFailures.outcome(traffic.cause(), redactor);
      return TargetOutcome.failure("Traffic could not be sent back to " + job.service() + ": " + failed.summary(),
          restored.summary());
    })).recover(failure -> Future.succeededFuture(EcsFailures.outcome(failure, redactor)));
  }

  /** Weights stable 100 / canary 0, then the canary service down to no tasks. */
  private Future<Void> back(DeployJob job, RolloutPlan.Traffic traffic, Redactor redactor) {
    Context context = vertx.getOrCreateContext();
    return with(job, traffic, redactor, sides -> elb.forward(sides.forwarder(), sides.weights(0))
        .compose(weights -> context.executeBlocking(() -> aws.ecs(sides.stable().region()), false))
        .compose(client -> new EcsCalls(context, client, sides.canary()).scale(0)));
  }
}
