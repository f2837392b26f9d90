package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.EnvLock;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Deploy runs as a service. A deploy run is a checklist run (ticks, checks and sign-offs go
 * through {@link ChecklistRuns}) with a deployment attached: launch, the target, verification,
 * abort and rollback are here. Every change is announced through the same listeners as
 * {@link ChecklistRuns#onChange}; longer text for a run's thread through {@link #onNote}.
 *
 * <p>Failures that are the user's to fix ({@code RunRuleException}: an unknown service, a bad
 * version, a missing role, a gate that does not pass, a stale button) change nothing and carry
 * a message fit to show them as it is.
 */
public final class DeployRuns {

  /** Called with text for a run's thread, on the event loop; listeners must not block. */
  public void onNote(Consumer<RunNote> listener) {
    throw new UnsupportedOperationException("being built");
  }

  /**
   * Opens a deploy run in the environment's channel with its checklist. Fails with
   * {@link ActiveRunException} when another run of the service and environment is active.
   *
   * @param actorRoles the roles the requesting user holds; one must be a deployer role
   */
  public Future<TrackedRun> open(String service, String version, String environment, Set<String> actorRoles,
      Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  /** Launches a run whose gates pass; the check and the start are one transaction. */
  public Future<TrackedRun> launch(String runId, Set<String> actorRoles, Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  /** Cancels a run that has not launched. */
  public Future<TrackedRun> cancel(String runId, Set<String> actorRoles, Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  /** Stops a run that is deploying or verifying; it then fails (and rolls back if configured). */
  public Future<TrackedRun> abort(String runId, Set<String> actorRoles, Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  /** Rolls a succeeded or failed run back to the release before it, and locks the environment. */
  public Future<TrackedRun> rollback(String runId, Set<String> actorRoles, Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  /** {@code /rollback}: rolls back the newest launched run of the service and environment. */
  public Future<TrackedRun> rollbackLatest(String service, String environment, Set<String> actorRoles,
      Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  public Future<EnvLock> lock(String service, String environment, String reason, Set<String> actorRoles,
      Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  /** Empty when the environment was not locked. */
  public Future<Optional<EnvLock>> unlock(String service, String environment, Set<String> actorRoles,
      Origin origin) {
    throw new UnsupportedOperationException("being built");
  }

  public Future<Optional<EnvLock>> lockOf(String service, String environment) {
    throw new UnsupportedOperationException("being built");
  }

  public Future<Overview> overview() {
    throw new UnsupportedOperationException("being built");
  }
}
