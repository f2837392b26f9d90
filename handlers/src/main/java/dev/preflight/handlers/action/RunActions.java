package dev.preflight.handlers.action;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.RunMdc;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Click;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.command.DeployReplies;
import dev.preflight.handlers.command.LockCommand;
import dev.preflight.handlers.render.HomeView;
import dev.preflight.handlers.render.RefusalText;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The run-level buttons: Launch, Cancel, Abort and Rollback (the one {@link RollbackAction}),
 * each carrying the run id, and Unlock, carrying the environment whose lock holds the launch. A click
 * is acknowledged at once and then judged by {@link DeployRuns} against the run as stored, under
 * its lock, so a stale button or a second click is refused there; the refusal is passed on to
 * the person privately, never dropped.
 */
public final class RunActions {

  static final String NOT_MINE = Replies.NOT_MINE;

  private final DeployRuns deploys;
  private final Roles roles;
  private final DeployReplies replies;
  private final Context loop;
  private final RollbackAction rollback;

  public RunActions(DeployRuns deploys, Roles roles, DeployReplies replies, Context loop) {
    this.deploys = deploys;
    this.roles = roles;
    this.replies = replies;
    this.loop = loop;
    this.rollback = new RollbackAction(RollbackAction.through(deploys), roles, replies, loop);
  }

  public void register(App app) {
    on(app, ActionIds.LAUNCH, (run, held, origin) -> deploys.launch(run, held, origin));
    on(app, ActionIds.CANCEL, (run, held, origin) -> deploys.cancel(run, held, origin));
    on(app, ActionIds.ABORT, (run, held, origin) -> deploys.abort(run, held, origin));
    // A canary stage's buttons; Rollback on a canary sends the traffic back and aborts the run.
    on(app, ActionIds.CANARY_PROMOTE, (run, held, origin) -> deploys.promoteStage(run, held, origin));
    on(app, ActionIds.CANARY_PAUSE, (run, held, origin) -> deploys.pauseStage(run, held, origin));
    on(app, ActionIds.CANARY_RESUME, (run, held, origin) -> deploys.resumeStage(run, held, origin));
    on(app, ActionIds.CANARY_ROLLBACK, (run, held, origin) -> deploys.abort(run, held, origin));
    app.blockAction(ActionIds.RUN_UNLOCK, this::unlock);
    rollback.register(app, new RollbackAction.Surface(ActionIds.ROLLBACK, RollbackAction::runValue));
  }

  /**
   * Unlock on a message whose launch a lock holds: the same rules, audit and answer as
   * {@code /unlock}, through the click's {@code response_url}. Unlocking republishes the
   * environment's open runs, so the message then offers Launch.
   */
  private Response unlock(BlockActionRequest req, ActionContext ctx) {
    Click.of(req.getPayload()).ifPresent(click -> loop.runOnContext(v -> {
      Replies.To to = Replies.To.of(click);
      Optional<Map.Entry<String, String>> named = HomeView.readUnlockValue(click.value());
      if (named.isEmpty()) {
        replies.tell(to, NOT_MINE);
        return;
      }
      String service = named.get().getKey();
      String environment = named.get().getValue();
      roles.of(click.user())
          .compose(held -> deploys.unlock(service, environment, held, new Origin(click.user(),
              "button:" + ActionIds.RUN_UNLOCK)))
          .compose(was -> replies.tell(to, LockCommand.unlocked(service, environment, was)))
          .onFailure(e -> {
            // A refusal here is about unlocking, and says so; not the deploy sentence.
            if (e instanceof RunRuleException refused) {
              replies.tell(to, RefusalText.locking(refused.refusal(), true));
            } else {
              replies.explain(to, e);
            }
          });
    }));
    return ctx.ack();
  }

  private void on(App app, String actionId, RunChange change) {
    app.blockAction(actionId, (req, ctx) -> click(req, ctx, change));
  }

  private Response click(BlockActionRequest req, ActionContext ctx, RunChange change) {
    Click.of(req.getPayload()).ifPresent(click -> loop.runOnContext(v -> {
      String runId = click.value() == null ? "" : click.value().strip();
      if (runId.isEmpty()) {
        replies.tell(Replies.To.of(click), NOT_MINE);
        return;
      }
      if (!SlackIds.isRunId(runId)) {
        replies.tell(Replies.To.of(click), Replies.noSuchRun(runId));
        return;
      }
      roles.of(click.user())
          .compose(held -> change.apply(runId, held, new Origin(click.user(), "button:" + click.actionId())))
          .onFailure(RunMdc.around(runId, null, e -> replies.explain(Replies.To.of(click), e)));
    }));
    return ctx.ack();
  }

  @FunctionalInterface
  private interface RunChange {
    Future<TrackedRun> apply(String runId, Set<String> actorRoles, Origin origin);
  }
}
