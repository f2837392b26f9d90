package dev.preflight.checklists.run;

/**
 * A request the run's rules refuse. It carries the {@link Refusal}, which the Slack layer words
 * for the person who asked; the message is the refusal's plain summary, for logs.
 */
public class RunRuleException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Refusal refusal;

  public RunRuleException(Refusal refusal) {
    super(refusal.summary());
    this.refusal = refusal;
  }

  /** A refusal worded where it was refused: see {@link Refusal#worded(String)}. */
  public RunRuleException(String words) {
    this(Refusal.worded(words));
  }

  public Refusal refusal() {
    return refusal;
  }
}
