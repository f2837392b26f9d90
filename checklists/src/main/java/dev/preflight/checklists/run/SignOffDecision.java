package dev.preflight.checklists.run;

/** The answer to "may this person sign this run off, and for which role?". */
public sealed interface SignOffDecision {

  record Accepted(String role) implements SignOffDecision {}

  /** @param reason why the sign-off does not count, for the person who reacted */
  record Rejected(Refusal reason) implements SignOffDecision {}
}
