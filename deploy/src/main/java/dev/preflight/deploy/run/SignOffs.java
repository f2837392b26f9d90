package dev.preflight.deploy.run;

import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.checklists.run.SignOff;
import dev.preflight.checklists.run.SignOffDecision;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Sign-offs on a run: added when the domain rules accept them, withdrawn by their owner while the
 * run is open. Both go through {@link PendingWrites} under a change id, like item changes, so
 * they are kept through a database outage and never applied twice.
 */
final class SignOffs {

  private final RunRepository repository;
  private final PendingWrites pending;
  private final RunListeners listeners;
  private final Clock clock;

  SignOffs(RunRepository repository, PendingWrites pending, RunListeners listeners, Clock clock) {
    this.repository = repository;
    this.pending = pending;
    this.listeners = listeners;
    this.clock = clock;
  }

  /**
   * Records a sign-off when the rules accept it; a rejection changes nothing and says why. Kept
   * through an outage, a sign-off the rules then reject fails its {@code applied()} with the reason.
   */
  Future<SignOffOutcome> add(String runId, String user, Set<String> userRoles, Origin origin) {
    UUID changeId = UUID.randomUUID();
    return pending.submit(runId, () -> addNow(runId, user, userRoles, origin, changeId))
        .recover(e -> Future.failedFuture(e instanceof ChangeHeldException held ? held.then(result ->
            result instanceof SignOffOutcome outcome && outcome.decision() instanceof SignOffDecision.Rejected no
                ? Future.failedFuture(new RunRuleException(no.reason()))
                : Future.succeededFuture(result)) : e));
  }

  private Future<SignOffOutcome> addNow(String runId, String user, Set<String> userRoles, Origin origin,
      UUID changeId) {
    return repository.pool()
        .withTransaction(conn -> repository.lockChecklist(conn, runId).compose(tracked -> repository.applied(conn, changeId)
            .compose(applied -> {
              if (applied) {
                String role = tracked.run().signOffs().stream().filter(s -> s.user().equals(user))
                    .map(SignOff::role).findFirst().orElse("");
                return Future.succeededFuture(new SignOffOutcome(new SignOffDecision.Accepted(role), tracked));
              }
              SignOffDecision decision = tracked.run().decideSignOff(user, userRoles);
              if (!(decision instanceof SignOffDecision.Accepted accepted)) {
                return Future.succeededFuture(new SignOffOutcome(decision, tracked));
              }
              ChecklistRun after = tracked.run().withSignOff(new SignOff(user, accepted.role(), clock.instant()));
              return repository.saveChanges(conn, tracked.run(), after)
                  .compose(v -> repository.audit(conn, runId, origin, "signoff.added",
                      new JsonObject().put("role", accepted.role()), changeId))
                  .map(v -> new SignOffOutcome(decision, tracked.with(after)));
            })))
        .onSuccess(outcome -> {
          if (outcome.accepted()) {
            listeners.announce(outcome.run());
          }
        });
  }

  /** Withdraws a sign-off; empty when the user had none on this run. */
  Future<Optional<TrackedRun>> withdraw(String runId, String user, Origin origin) {
    UUID changeId = UUID.randomUUID();
    return pending.submit(runId, () -> repository.pool()
        .withTransaction(conn -> repository.lockChecklist(conn, runId).compose(tracked -> repository.applied(conn, changeId)
            .compose(applied -> {
              if (applied) {
                return Future.succeededFuture(Optional.of(tracked));
              }
              boolean signed = tracked.run().signOffs().stream().anyMatch(s -> s.user().equals(user));
              if (!signed || !tracked.run().status().open()) {
                return Future.succeededFuture(Optional.<TrackedRun>empty());
              }
              ChecklistRun after = tracked.run().withoutSignOff(user);
              return repository.saveChanges(conn, tracked.run(), after)
                  .compose(v -> repository.audit(conn, runId, origin, "signoff.withdrawn", null, changeId))
                  .map(v -> Optional.of(tracked.with(after)));
            })))
        .onSuccess(changed -> changed.ifPresent(listeners::announce)));
  }
}
