package dev.preflight.deploy.run;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import io.vertx.core.Future;

/** Runs one automated item's check to its evidence; never fails, a failure is evidence too. */
@FunctionalInterface
public interface CheckExecutor {
  Future<Evidence> run(CheckSpec spec);
}
