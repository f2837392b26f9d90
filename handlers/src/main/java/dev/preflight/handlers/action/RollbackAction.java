package dev.preflight.handlers.action;

import com.slack.api.bolt.App;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.RunMdc;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.Click;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.command.DeployReplies;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The one Rollback click, wherever its button sits: on a run's message, on an alert, on a watch's
 * alert. A click is acknowledged at once; then the button's value says what to roll back, the
 * clicker's roles are looked up, and {@link DeployRuns} judges the rollback against the run as
 * stored (deployer role, something to return to, nothing else in flight), audited with the
 * button it came from. A refusal is told to the clicker privately; a rollback that starts lets
 * the surface show it (the alert's message, the watch alert's thread). The confirm dialog is on
 * the button itself ({@link dev.preflight.handlers.render.RunButtons#rollback}).
 */
public final class RollbackAction {

  /**
   * What a Rollback button asks for: one run, or the newest deploy of a service in an
   * environment; or, when its value names nothing that can be acted on, the answer to that.
   */
  public record Target(String runId, String service, String environment, String unreadable) {

    public static Target run(String runId) {
      return new Target(runId, null, null, null);
    }

    public static Target latest(String service, String environment) {
      return new Target(null, service, environment, null);
    }

    /** A value that names nothing to roll back; {@code answer} tells the clicker so. */
    public static Target unreadable(String answer) {
      return new Target(null, null, null, answer);
    }
  }

  /** Starts a rollback; {@link #through(DeployRuns)} in production. */
  @FunctionalInterface
  public interface Start {
    Future<TrackedRun> apply(Target target, Set<String> actorRoles, Origin origin);
  }

  /**
   * What differs between the places a Rollback button sits.
   *
   * @param actionId the button's action id; the audit records the click as {@code button:<id>}
   * @param target reads the button's value, before anything is looked up
   * @param started what the surface shows once a rollback started from a click on a message
   */
  public record Surface(String actionId, Function<String, Target> target, BiConsumer<Click, TrackedRun> started) {

    /** A surface that shows nothing more itself: the run's message follows its run. */
    public Surface(String actionId, Function<String, Target> target) {
      this(actionId, target, (click, run) -> {});
    }
  }

  private final Start start;
  private final Roles roles;
  private final DeployReplies replies;
  private final Context loop;

  public RollbackAction(Start start, Roles roles, DeployReplies replies, Context loop) {
    this.start = start;
    this.roles = roles;
    this.replies = replies;
    this.loop = loop;
  }

  /** Rolls back through the deploy rules: a named run, or the environment's newest deploy. */
  public static Start through(DeployRuns deploys) {
    return (target, held, origin) -> target.runId() != null
        ? deploys.rollback(target.runId(), held, origin)
        : deploys.rollbackLatest(target.service(), target.environment(), held, origin);
  }

  /** Answers clicks on the surface's button from now on. */
  public void register(App app, Surface surface) {
    app.blockAction(surface.actionId(), (req, ctx) -> {
      Click.of(req.getPayload()).ifPresent(click -> loop.runOnContext(v -> click(surface, click)));
      return ctx.ack();
    });
  }

  /**
   * The value of a button that names one run: its id, which must look like one before the
   * database is asked about it.
   */
  public static Target runValue(String value) {
    String runId = value == null ? "" : value.strip();
    if (runId.isEmpty()) {
      return Target.unreadable(Replies.NOT_MINE);
    }
    return SlackIds.isRunId(runId) ? Target.run(runId) : Target.unreadable(Replies.noSuchRun(runId));
  }

  private void click(Surface surface, Click click) {
    // Through the click's response_url, which works where the bot is not a member; a DM when that fails.
    Replies.To to = Replies.To.of(click);
    Target target = surface.target().apply(click.value());
    if (target.unreadable() != null) {
      replies.tell(to, target.unreadable());
      return;
    }
    Origin origin = new Origin(click.user(), "button:" + surface.actionId());
    Handler<Throwable> refused = e -> replies.explain(to, e);
    roles.of(click.user())
        .compose(held -> start.apply(target, held, origin))
        .onSuccess(run -> {
          if (click.messageTs() != null) {
            surface.started().accept(click, run);
          }
        })
        .onFailure(target.runId() == null ? refused : RunMdc.around(target.runId(), null, refused));
  }
}
