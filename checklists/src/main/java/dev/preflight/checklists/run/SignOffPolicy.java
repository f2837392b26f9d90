package dev.preflight.checklists.run;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a sign-off counts. One person counts once, for the first required role
 * they hold that still needs people; the person who started the run may sign only when the
 * rule allows it.
 */
public final class SignOffPolicy {

  private SignOffPolicy() {}

  public static SignOffDecision decide(
      SignOffRule rule, String startedBy, String user, Set<String> userRoles, List<SignOff> existing) {
    if (rule.requirements().isEmpty()) {
      return rejected(Refusal.of(Refusal.Code.NO_SIGN_OFF_NEEDED));
    }
    if (existing.stream().anyMatch(signOff -> signOff.user().equals(user))) {
      return rejected(Refusal.of(Refusal.Code.ALREADY_SIGNED));
    }
    if (!rule.allowRunStarter() && user.equals(startedBy)) {
      return rejected(Refusal.of(Refusal.Code.STARTER_MAY_NOT_SIGN));
    }
    List<SignOffRequirement> held =
        rule.requirements().stream().filter(req -> userRoles.contains(req.role())).toList();
    if (held.isEmpty()) {
      return rejected(Refusal.of(Refusal.Code.SIGN_OFF_ROLE_MISSING).withNames(roleNames(rule.requirements())));
    }
    for (SignOffRequirement requirement : held) {
      long have = existing.stream().filter(s -> s.role().equals(requirement.role())).count();
      if (have < requirement.count()) {
        return new SignOffDecision.Accepted(requirement.role());
      }
    }
    return rejected(Refusal.of(Refusal.Code.ROLE_SIGN_OFFS_IN).withNames(roleNames(held)));
  }

  private static SignOffDecision rejected(Refusal why) {
    return new SignOffDecision.Rejected(why);
  }

  private static List<String> roleNames(List<SignOffRequirement> requirements) {
    return requirements.stream().map(SignOffRequirement::role).toList();
  }
}
