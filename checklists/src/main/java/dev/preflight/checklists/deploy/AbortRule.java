package dev.preflight.checklists.deploy;

import java.util.Set;

/**
 * When a deploy is given up, and whether the bot then rolls back by itself.
 *
 * @param on what aborts: {@code deploy} (the target failed or timed out), {@code health},
 *     {@code smoke}, the id of one verification check, {@code steps} (any step after the deploy
 *     failed) or the name of one such step
 * @param automaticRollback roll back without asking when an abort criterion is met
 */
public record AbortRule(Set<String> on, boolean automaticRollback) {

  public static final String DEPLOY = "deploy";
  /** Stands for every step of the deploy's pipeline. */
  public static final String STEPS = "steps";
  /** Without config: a failed deploy or failed health aborts; nobody is rolled back unasked. */
  public static final AbortRule DEFAULT = new AbortRule(Set.of(DEPLOY, "health"), false);

  public AbortRule {
    on = Set.copyOf(on);
  }

  public boolean abortsOnDeployFailure() {
    return on.contains(DEPLOY);
  }

  /** Whether the failure of the pipeline step named {@code step} is an abort criterion. */
  public boolean abortsOnStep(String step) {
    return on.contains(STEPS) || on.contains(step);
  }

  /** Whether this failed verification check is an abort criterion. */
  public boolean abortsOn(Verification.VerifyCheck failed) {
    return abortsOn(failed.id(), failed.kind());
  }

  /** Whether a failed verification result is an abort criterion. */
  public boolean abortsOn(VerifyResult failed) {
    return abortsOn(failed.id(), failed.kind());
  }

  private boolean abortsOn(String id, Verification.Kind kind) {
    return on.contains(id) || on.contains(kind.configName());
  }
}
