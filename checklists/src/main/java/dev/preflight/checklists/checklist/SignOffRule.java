package dev.preflight.checklists.checklist;

import java.util.List;

/**
 * Who must sign a run off before it is complete.
 *
 * @param requirements how many people of which role; empty means no sign-off is needed
 * @param allowRunStarter whether the person who started the run may sign it off
 */
public record SignOffRule(List<SignOffRequirement> requirements, boolean allowRunStarter) {

  public static final SignOffRule NONE = new SignOffRule(List.of(), false);

  public SignOffRule {
    requirements = List.copyOf(requirements);
  }

  public record SignOffRequirement(String role, int count) {}
}
