package dev.preflight.checklists.run;

/** A request the run's rules refuse; the message is addressed to the person who asked. */
public class RunRuleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RunRuleException(String message) {
    super(message);
  }
}
