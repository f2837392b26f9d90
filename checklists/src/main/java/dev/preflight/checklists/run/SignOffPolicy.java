package dev.preflight.checklists.run;

import dev.preflight.checklists.checklist.SignOffRule;
import dev.preflight.checklists.checklist.SignOffRule.SignOffRequirement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

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
      return new SignOffDecision.Rejected("This checklist needs no sign-off.");
    }
    if (existing.stream().anyMatch(signOff -> signOff.user().equals(user))) {
      return new SignOffDecision.Rejected("You have already signed this off.");
    }
    if (!rule.allowRunStarter() && user.equals(startedBy)) {
      return new SignOffDecision.Rejected(
          "You started this run, and this checklist does not let its starter sign it off.");
    }
    List<SignOffRequirement> held =
        rule.requirements().stream().filter(req -> userRoles.contains(req.role())).toList();
    if (held.isEmpty()) {
      return new SignOffDecision.Rejected(
          "Sign-off needs one of these roles: " + roleNames(rule.requirements())
              + ". You hold none of them.");
    }
    for (SignOffRequirement requirement : held) {
      long have = existing.stream().filter(s -> s.role().equals(requirement.role())).count();
      if (have < requirement.count()) {
        return new SignOffDecision.Accepted(requirement.role());
      }
    }
    return new SignOffDecision.Rejected(
        "Every sign-off for your role (" + roleNames(held) + ") is already in.");
  }

  private static String roleNames(List<SignOffRequirement> requirements) {
    return requirements.stream().map(SignOffRequirement::role).collect(Collectors.joining(", "));
  }
}
