package dev.preflight.checklists.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.preflight.checklists.deploy.AbortDecision.Action;
import dev.preflight.checklists.deploy.AbortDecision.Basis;
import dev.preflight.checklists.deploy.AbortDecision.Outcome;
import dev.preflight.checklists.run.Evidence;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every combination of what an environment aborts on, what went wrong, whether it rolls back
 * by itself and whether there is anything to roll back to.
 */
class AbortDecisionTest {

  private static final VerifyResult HEALTH = failed("ready", Verification.Kind.HEALTH);
  private static final VerifyResult SEARCH = failed("search", Verification.Kind.SMOKE);
  private static final VerifyResult LOGIN = failed("login", Verification.Kind.SMOKE);

  /** The rules under test: the default criteria plus one smoke check by id, or nothing at all. */
  enum Rules {
    DEFAULT_PLUS_LOGIN(Set.of(AbortRule.DEPLOY, "health", "login")),
    NOTHING(Set.of());

    final Set<String> on;

    Rules(Set<String> on) {
      this.on = on;
    }
  }

  /** What went wrong. */
  enum What {
    DEPLOY_FAILED(new Outcome.DeployFailed("Rollout FAILED: 0/3 running")),
    HEALTH_FAILED(new Outcome.VerificationFailed(List.of(HEALTH))),
    SMOKE_FAILED(new Outcome.VerificationFailed(List.of(SEARCH))),
    LISTED_CHECK_FAILED(new Outcome.VerificationFailed(List.of(LOGIN))),
    SMOKE_AND_HEALTH_FAILED(new Outcome.VerificationFailed(List.of(SEARCH, HEALTH))),
    ABORTED_BY_USER(new Outcome.Aborted("U2")),
    ABORTED_BY_PREFLIGHT(new Outcome.Aborted(null));

    final Outcome outcome;

    What(Outcome outcome) {
      this.outcome = outcome;
    }
  }

  @ParameterizedTest(name = "{0} / {1} / automatic {2} / possible {3} -> {4} {5}")
  @CsvSource({
      "DEFAULT_PLUS_LOGIN, DEPLOY_FAILED          , true , true , ROLL_BACK, CRITERION_MET",
      "DEFAULT_PLUS_LOGIN, DEPLOY_FAILED          , true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "DEFAULT_PLUS_LOGIN, DEPLOY_FAILED          , false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, DEPLOY_FAILED          , false, false, FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, HEALTH_FAILED          , true , true , ROLL_BACK, CRITERION_MET",
      "DEFAULT_PLUS_LOGIN, HEALTH_FAILED          , true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "DEFAULT_PLUS_LOGIN, HEALTH_FAILED          , false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, HEALTH_FAILED          , false, false, FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, SMOKE_FAILED           , true , true , FAIL     , NOT_A_CRITERION",
      "DEFAULT_PLUS_LOGIN, SMOKE_FAILED           , true , false, FAIL     , NOT_A_CRITERION",
      "DEFAULT_PLUS_LOGIN, SMOKE_FAILED           , false, true , FAIL     , NOT_A_CRITERION",
      "DEFAULT_PLUS_LOGIN, SMOKE_FAILED           , false, false, FAIL     , NOT_A_CRITERION",
      "DEFAULT_PLUS_LOGIN, LISTED_CHECK_FAILED    , true , true , ROLL_BACK, CRITERION_MET",
      "DEFAULT_PLUS_LOGIN, LISTED_CHECK_FAILED    , true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "DEFAULT_PLUS_LOGIN, LISTED_CHECK_FAILED    , false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, LISTED_CHECK_FAILED    , false, false, FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, SMOKE_AND_HEALTH_FAILED, true , true , ROLL_BACK, CRITERION_MET",
      "DEFAULT_PLUS_LOGIN, SMOKE_AND_HEALTH_FAILED, true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "DEFAULT_PLUS_LOGIN, SMOKE_AND_HEALTH_FAILED, false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, SMOKE_AND_HEALTH_FAILED, false, false, FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_USER        , true , true , ROLL_BACK, ABORTED",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_USER        , true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_USER        , false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_USER        , false, false, FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_PREFLIGHT   , true , true , ROLL_BACK, ABORTED",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_PREFLIGHT   , true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_PREFLIGHT   , false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "DEFAULT_PLUS_LOGIN, ABORTED_BY_PREFLIGHT   , false, false, FAIL     , NO_AUTOMATIC_ROLLBACK",
      "NOTHING           , DEPLOY_FAILED          , true , true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , DEPLOY_FAILED          , true , false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , DEPLOY_FAILED          , false, true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , DEPLOY_FAILED          , false, false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , HEALTH_FAILED          , true , true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , HEALTH_FAILED          , true , false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , HEALTH_FAILED          , false, true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , HEALTH_FAILED          , false, false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_FAILED           , true , true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_FAILED           , true , false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_FAILED           , false, true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_FAILED           , false, false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , LISTED_CHECK_FAILED    , true , true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , LISTED_CHECK_FAILED    , true , false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , LISTED_CHECK_FAILED    , false, true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , LISTED_CHECK_FAILED    , false, false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_AND_HEALTH_FAILED, true , true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_AND_HEALTH_FAILED, true , false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_AND_HEALTH_FAILED, false, true , FAIL     , NOT_A_CRITERION",
      "NOTHING           , SMOKE_AND_HEALTH_FAILED, false, false, FAIL     , NOT_A_CRITERION",
      "NOTHING           , ABORTED_BY_USER        , true , true , ROLL_BACK, ABORTED",
      "NOTHING           , ABORTED_BY_USER        , true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "NOTHING           , ABORTED_BY_USER        , false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "NOTHING           , ABORTED_BY_USER        , false, false, FAIL     , NO_AUTOMATIC_ROLLBACK",
      "NOTHING           , ABORTED_BY_PREFLIGHT   , true , true , ROLL_BACK, ABORTED",
      "NOTHING           , ABORTED_BY_PREFLIGHT   , true , false, FAIL     , NOTHING_TO_ROLL_BACK_TO",
      "NOTHING           , ABORTED_BY_PREFLIGHT   , false, true , FAIL     , NO_AUTOMATIC_ROLLBACK",
      "NOTHING           , ABORTED_BY_PREFLIGHT   , false, false, FAIL     , NO_AUTOMATIC_ROLLBACK"
  })
  void decidesFromTheRuleTheOutcomeAndWhetherARollbackIsPossible(Rules rules, What what, boolean automatic,
      boolean possible, Action action, Basis basis) {
    AbortDecision decision = AbortDecision.decide(new AbortRule(rules.on, automatic), what.outcome, possible);

    assertEquals(new AbortDecision(action, basis), decision);
    assertEquals(action == Action.ROLL_BACK, decision.rollsBack());
  }

  @Test
  void withoutConfigAFailedDeployOrHealthFailsAndNobodyIsRolledBackUnasked() {
    assertEquals(new AbortDecision(Action.FAIL, Basis.NO_AUTOMATIC_ROLLBACK),
        AbortDecision.decide(AbortRule.DEFAULT, What.DEPLOY_FAILED.outcome, true));
    assertEquals(new AbortDecision(Action.FAIL, Basis.NOT_A_CRITERION),
        AbortDecision.decide(AbortRule.DEFAULT, What.SMOKE_FAILED.outcome, true));
  }

  @Test
  void aFailedVerificationMustNameWhatFailed() {
    assertThrows(IllegalArgumentException.class, () -> new Outcome.VerificationFailed(List.of()));
  }

  private static VerifyResult failed(String id, Verification.Kind kind) {
    return new VerifyResult(id, id, kind, new Evidence(false, "503 Service Unavailable", 503, 5L, null, null, 1),
        List.of());
  }
}
