package dev.preflight.checklists.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SignOffPolicyTest {

  static final Instant AT = Instant.parse("2025-11-24T10:00:00Z");
  static final SignOffRule LEAD_AND_SRE =
      new SignOffRule(List.of(new SignOffRequirement("backend-lead", 1), new SignOffRequirement("sre", 1)), false);
  static final String STARTER = "U0STARTER";

  @Test
  void firstApproverOfARoleIsAccepted() {
    assertEquals(new SignOffDecision.Accepted("backend-lead"),
        SignOffPolicy.decide(LEAD_AND_SRE, STARTER, "U0LEAD1", Set.of("backend-lead"), List.of()));
  }

  @Test
  void secondApproverWithSameRoleDoesNotCompleteQuorum() {
    List<SignOff> existing = List.of(new SignOff("U0LEAD1", "backend-lead", AT));

    SignOffDecision decision = SignOffPolicy.decide(LEAD_AND_SRE, STARTER, "U0LEAD2", Set.of("backend-lead"), existing);

    assertEquals(new SignOffDecision.Rejected(Refusal.of(Refusal.Code.ROLE_SIGN_OFFS_IN).withNames(List.of("backend-lead"))), decision);
  }

  @Test
  void starterCannotSignUnlessAllowed() {
    assertEquals(
        new SignOffDecision.Rejected(Refusal.of(Refusal.Code.STARTER_MAY_NOT_SIGN)),
        SignOffPolicy.decide(LEAD_AND_SRE, STARTER, STARTER, Set.of("sre"), List.of()));

    SignOffRule starterAllowed = new SignOffRule(LEAD_AND_SRE.requirements(), true);
    assertEquals(new SignOffDecision.Accepted("sre"),
        SignOffPolicy.decide(starterAllowed, STARTER, STARTER, Set.of("sre"), List.of()));
  }

  @Test
  void onePersonCountsOnceEvenWithTwoRoles() {
    List<SignOff> existing = List.of(new SignOff("U0BOTH", "backend-lead", AT));

    SignOffDecision again = SignOffPolicy.decide(LEAD_AND_SRE, STARTER, "U0BOTH", Set.of("backend-lead", "sre"), existing);

    assertEquals(new SignOffDecision.Rejected(Refusal.of(Refusal.Code.ALREADY_SIGNED)), again);
  }

  @Test
  void personWithTwoRolesSignsForTheOneStillNeeded() {
    List<SignOff> existing = List.of(new SignOff("U0LEAD1", "backend-lead", AT));

    assertEquals(new SignOffDecision.Accepted("sre"),
        SignOffPolicy.decide(LEAD_AND_SRE, STARTER, "U0BOTH", Set.of("backend-lead", "sre"), existing));
  }

  @Test
  void noRequiredRoleIsRejectedWithExplanation() {
    assertEquals(
        new SignOffDecision.Rejected(Refusal.of(Refusal.Code.SIGN_OFF_ROLE_MISSING).withNames(List.of("backend-lead", "sre"))),
        SignOffPolicy.decide(LEAD_AND_SRE, STARTER, "U0QA", Set.of("qa"), List.of()));
  }

  @Test
  void checklistWithoutSignOffRejectsEveryone() {
    assertEquals(new SignOffDecision.Rejected(Refusal.of(Refusal.Code.NO_SIGN_OFF_NEEDED)),
        SignOffPolicy.decide(SignOffRule.NONE, STARTER, "U0LEAD1", Set.of("backend-lead"), List.of()));
  }

  @Test
  void countOfTwoTakesTwoPeople() {
    SignOffRule twoLeads = new SignOffRule(List.of(new SignOffRequirement("backend-lead", 2)), false);
    List<SignOff> one = List.of(new SignOff("U0LEAD1", "backend-lead", AT));

    assertEquals(new SignOffDecision.Accepted("backend-lead"),
        SignOffPolicy.decide(twoLeads, STARTER, "U0LEAD2", Set.of("backend-lead"), one));
  }
}
