package dev.preflight.deploy.action;

import dev.preflight.checklists.config.EcsScaleAction;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.runner.Observation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * {@code ecs-scale}: sets the service's desired count, refused before any call when the filled
 * count is not a whole number within the step's bounds, and passes once the service is steady
 * at it: that many tasks running, none pending, one deployment.
 */
public final class EcsScaleRunner implements ActionRunner<EcsScaleAction> {

  private final EcsServiceAction ecs;

  public EcsScaleRunner(Vertx vertx, AwsClients aws, Duration pollInterval) {
    this.ecs = new EcsServiceAction(vertx, aws, pollInterval);
  }

  @Override
  public Future<ActionOutcome> run(EcsScaleAction spec, ActionContext context) {
    String filled = Placeholders.fill(spec.desiredCount(), context.placeholders());
    int count;
    try {
      count = Integer.parseInt(filled.trim());
    } catch (NumberFormatException e) {
      return Future.succeededFuture(ActionOutcome.failed("Desired count " + filled + " is not a whole number", null, null));
    }
    if (count < spec.min() || count > spec.max()) {
      return Future.succeededFuture(ActionOutcome.failed(
          "Desired count " + count + " is outside " + spec.min() + " to " + spec.max(), null, null));
    }
    EcsServiceAction.Where where = ecs.where(spec.cluster(), spec.service(), spec.region(), context);
    return ecs.run(where, spec.timeout(), new Scale(where, count), context);
  }

  private record Scale(EcsServiceAction.Where where, int count) implements EcsServiceAction.Change {

    @Override
    public UpdateServiceRequest.Builder update(UpdateServiceRequest.Builder request) {
      return request.desiredCount(count);
    }

    @Override
    public Observation judge(Service service, Map<String, String> journal) {
      if (service.desiredCount() != count) {
        return Observation.failed("Desired count of " + where.name() + " is " + service.desiredCount()
            + ", not " + count + ": someone else changed it", null);
      }
      boolean steady = service.runningCount() == count && service.pendingCount() == 0 && service.deployments().size() == 1;
      return steady
          ? Observation.succeeded(where.name() + " steady at " + count + " tasks", null, null)
          : Observation.running("Scaling " + where.name() + " to " + count, standing(service));
    }

    @Override
    public String standing(Service service) {
      return service.runningCount() + " of " + count + " tasks running";
    }
  }
}
