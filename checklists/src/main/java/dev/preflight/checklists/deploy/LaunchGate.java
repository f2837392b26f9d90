package dev.preflight.checklists.deploy;

import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.checklists.run.GateStatus;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunEvent;
import dev.preflight.checklists.run.RunLifecycle;
import dev.preflight.checklists.run.RunRuleException;
import java.util.Optional;

/**
 * "Can this run launch now?" as one predicate: the lifecycle lets it launch, every blocker passed
 * or was waived, every sign-off is in, the environment is not locked, and no other run of the
 * service and environment is in flight. The caller reads the lock and the other run inside the
 * transaction that launches, under the environment's advisory lock, so two replicas cannot both
 * get a yes.
 */
public final class LaunchGate {

  private LaunchGate() {}

  /**
   * Why the run may not launch now, the first reason in the order above; empty when it may.
   *
   * @param lock the environment's lock, if it is locked
   * @param otherRunInFlight another run of the same service and environment that is in flight
   *     (deploying, verifying, aborting or rolling back), if there is one
   */
  public static Optional<Refusal> refusal(ChecklistRun run, Optional<EnvLock> lock,
      Optional<String> otherRunInFlight) {
    if (!run.status().open()) {
      return Optional.of(RunLifecycle.refusal(run.status(), RunEvent.LAUNCH));
    }
    GateStatus gates = run.gates();
    if (!gates.openBlockers().isEmpty()) {
      return Optional.of(Refusal.blockersOpen(gates.openBlockers()));
    }
    if (!gates.missingSignOffs().isEmpty()) {
      GateStatus.MissingSignOff first = gates.missingSignOffs().get(0);
      return Optional.of(Refusal.signOffsMissing(first.role(), first.need() - first.have()));
    }
    if (RunLifecycle.next(run.status(), RunEvent.LAUNCH).isEmpty()) {
      return Optional.of(RunLifecycle.refusal(run.status(), RunEvent.LAUNCH));
    }
    if (lock.isPresent()) {
      return Optional.of(Refusal.locked(lock.get()));
    }
    return otherRunInFlight.map(other -> Refusal.otherRunInFlight(null, null, other, RunEvent.LAUNCH));
  }

  /** As {@link #refusal}, thrown as a {@link RunRuleException}. */
  public static void require(ChecklistRun run, Optional<EnvLock> lock, Optional<String> otherRunInFlight) {
    refusal(run, lock, otherRunInFlight).ifPresent(why -> {
      throw new RunRuleException(why);
    });
  }
}
