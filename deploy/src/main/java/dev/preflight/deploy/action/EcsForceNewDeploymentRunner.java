package dev.preflight.deploy.action;

import dev.preflight.checklists.config.EcsForceNewDeploymentAction;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.runner.Observation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@code ecs-force-new-deployment}: UpdateService with forceNewDeployment, then passes once the
 * deployment it started is PRIMARY, COMPLETED and alone (the old tasks are gone). A deployment
 * that FAILED, or that another one replaced, fails the action.
 */
public final class EcsForceNewDeploymentRunner implements ActionRunner<EcsForceNewDeploymentAction> {

  private final EcsServiceAction ecs;

  public EcsForceNewDeploymentRunner(Vertx vertx, AwsClients aws, Duration pollInterval) {
    this.ecs = new EcsServiceAction(vertx, aws, pollInterval);
  }

  @Override
  public Future<ActionOutcome> run(EcsForceNewDeploymentAction spec, ActionContext context) {
    EcsServiceAction.Where where = ecs.where(spec.cluster(), spec.service(), spec.region(), context);
    return ecs.run(where, spec.timeout(), new Redeploy(where), context);
  }

  private record Redeploy(EcsServiceAction.Where where) implements EcsServiceAction.Change {

    @Override
    public UpdateServiceRequest.Builder update(UpdateServiceRequest.Builder request) {
      return request.forceNewDeployment(true);
    }

    @Override
    public Observation judge(Service service, Map<String, String> journal) {
      String ours = journal.getOrDefault(EcsServiceAction.DEPLOYMENT, "");
      Optional<Deployment> primary = EcsServiceAction.primary(service);
      if (primary.isEmpty() || !primary.get().id().equals(ours)) {
        return Observation.failed("Deployment " + ours + " of " + where.name() + " was replaced by "
            + primary.map(Deployment::id).orElse("none"), null);
      }
      Deployment deployment = primary.get();
      String state = deployment.rolloutStateAsString();
      if ("FAILED".equals(state)) {
        return Observation.failed("New deployment of " + where.name() + " FAILED: " + deployment.rolloutStateReason(), null);
      }
      boolean steady = ("COMPLETED".equals(state) || state == null)
          && service.deployments().size() == 1 && deployment.runningCount().equals(deployment.desiredCount());
      return steady
          ? Observation.succeeded("New deployment of " + where.name() + " is PRIMARY and steady with "
              + deployment.runningCount() + " tasks", null, null)
          : Observation.running("New deployment of " + where.name(), standing(service));
    }

    @Override
    public String standing(Service service) {
      return EcsServiceAction.primary(service)
          .map(d -> d.runningCount() + " of " + d.desiredCount() + " new tasks running")
          .orElse("no PRIMARY deployment");
    }
  }
}
