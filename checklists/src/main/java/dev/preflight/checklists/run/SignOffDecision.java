package dev.preflight.checklists.run;

/** The answer to "may this person sign this run off, and for which role?". */
public sealed interface SignOffDecision {

  record Accepted(String role) implements SignOffDecision {}

  /** @param reason a sentence addressed to the person who reacted */
  record Rejected(String reason) implements SignOffDecision {}
}
