package dev.preflight.deploy.runner;

import dev.preflight.checklists.run.RunEvent;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * One piece of a deploy that the driver runs: the target's deploy, the verification, the
 * rollback (and next, canary stages and pipeline steps). A step does its work, keeps what it saw
 * as evidence and ends passed or failed with a reason; it neither loops, nor takes leases, nor
 * changes the run's status: the driver writes the result and decides what follows.
 */
public interface Step {

  /** Short and stable, for logs: {@code deploy}, {@code verify}, {@code rollback}. */
  String name();

  /** The audit log action written with the step's result, e.g. {@code deploy.finished}. */
  String finishedAction();

  /** The lifecycle event a pass is; empty when the run stays where it is for the next step. */
  Optional<RunEvent> passes();

  /** Whether the step belongs to a rollback: its failure then fails the rollback, not the deploy. */
  boolean rollback();

  /**
   * Runs the step for the run as stored when it began. Never fails for what the step saw (a
   * failed target or check is a failed result); fails only when the step could not run at all.
   */
  Future<StepResult> run(StepContext context);
}
