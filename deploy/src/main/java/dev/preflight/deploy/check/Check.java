package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import io.vertx.core.Future;

/**
 * One attempt of one kind of check. {@link CheckRunner} owns retries, the backstop timeout and
 * turning failures into evidence, so an implementation may simply fail its future (or throw)
 * when something goes wrong; it must redact whatever it puts into the evidence it returns.
 */
public interface Check<S extends CheckSpec> {

  Future<Evidence> attempt(S spec, Variables variables, Redactor redactor);

  /** For checks that judge a run's metrics (a baseline before its deploy); others ignore the context. */
  default Future<Evidence> attempt(S spec, Variables variables, Redactor redactor, MetricContext context) {
    return attempt(spec, variables, redactor);
  }
}
