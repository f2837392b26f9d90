package dev.preflight.deploy.action;

import dev.preflight.checklists.config.ActionSpec;
import io.vertx.core.Future;

/**
 * Runs one kind of action. Before it calls out, it records in the context's journal what it is
 * about to start (and what it started: a task ARN, a snapshot name, a process id), so that after
 * a crash the next attempt finds the entries and follows what is already running instead of
 * starting it again. It stops when the journal says the run was aborted or the bot is stopping.
 *
 * <p>The future fails only when the action could not run at all; a task that exited non-zero or
 * a webhook that answered 500 is a failed {@link ActionOutcome}.
 */
public interface ActionRunner<S extends ActionSpec> {

  Future<ActionOutcome> run(S spec, ActionContext context);
}
