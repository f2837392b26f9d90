package dev.preflight.checklists.deploy;

import java.util.Set;

/**
 * When a deploy is given up, and whether the bot then rolls back by itself.
 *
 * @param on what aborts: {@code deploy} (the target failed or timed out), {@code health},
 *     {@code smoke}, or the id of one verification check
 * @param automaticRollback roll back without asking when an abort criterion is met
 */
public record AbortRule(Set<String> on, boolean automaticRollback) {

  public static final String DEPLOY = "deploy";
  /** Without config: a failed deploy or failed health aborts; nobody is rolled back unasked. */
  public static final AbortRule DEFAULT = new AbortRule(Set.of(DEPLOY, "health"), false);

  public AbortRule {
    on = Set.copyOf(on);
  }

  public boolean abortsOnDeployFailure() {
    return on.contains(DEPLOY);
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
