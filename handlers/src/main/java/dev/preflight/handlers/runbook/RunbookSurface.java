package dev.preflight.handlers.runbook;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.view.View;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.checklists.runbook.RunbookRefusal;
import dev.preflight.checklists.runbook.RunbookRequest;
import dev.preflight.deploy.runbook.RunbookRun;
import dev.preflight.deploy.runbook.RunbookRuns;
import dev.preflight.handlers.Click;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /run}, its forms and the Approve and Cancel buttons of a run's message. Everything the
 * config and the person's known roles can refuse is refused in the acknowledgement; the
 * environment's lock is checked as the run is stored, and a refusal then comes back privately.
 * Either way a refused request stores nothing.
 */
public final class RunbookSurface {

  public static final String COMMAND = "/run";
  /** How long the acknowledgement waits for the environment's lock; Slack gives up on it after 3 s. */
  static final java.time.Duration LOCK_WAIT = java.time.Duration.ofMillis(1000);

  private final PreflightConfig config;
  private final RunbookRuns runs;
  private final Roles roles;
  private final SlackApi slack;
  private final Replies replies;
  private final Context loop;
  private final RunbookPublisher publisher;

  public RunbookSurface(PreflightConfig config, RunbookRuns runs, Roles roles, SlackApi slack, Context loop, Clock clock) {
    this.config = config;
    this.runs = runs;
    this.roles = roles;
    this.slack = slack;
    this.replies = new Replies(slack);
    this.loop = loop;
    this.publisher = new RunbookPublisher(config, runs, slack, loop, clock);
  }

  /** Also re-renders the message of each running run every {@code every}, so its elapsed time grows. */
  public RunbookSurface refreshEvery(java.time.Duration every) {
    publisher.refreshEvery(every);
    return this;
  }

  /** Registers the listeners and starts keeping run messages current. */
  public RunbookSurface register(App app) {
    app.command(RunbookSurface.COMMAND, this::command);
    app.viewSubmission(RunbookIds.PICK_MODAL, this::picked);
    app.viewSubmission(RunbookIds.RUN_MODAL, this::submitted);
    app.blockAction(RunbookIds.APPROVE, (req, ctx) -> click(req, ctx, true));
    app.blockAction(RunbookIds.CANCEL, (req, ctx) -> click(req, ctx, false));
    runs.onChange(publisher::changed);
    return this;
  }

  private Response command(SlashCommandRequest request, SlashCommandContext ctx) {
    SlashCommandPayload payload = request.getPayload();
    if (payload == null || !SlackIds.isId(payload.getUserId()) || !SlackIds.isId(payload.getChannelId())) {
      return ctx.ack("I could not tell who sent this command, or from which conversation, so I did nothing.");
    }
    String text = payload.getText() == null ? "" : payload.getText().strip();
    String user = payload.getUserId();
    String channel = payload.getChannelId();
    Replies.To asker = new Replies.To(channel, user, payload.getResponseUrl());
    if (text.isEmpty()) {
      List<Runbook> offered = roles.known(user).map(this::mayRun).orElseGet(() -> List.copyOf(config.runbooks().values()));
      if (offered.isEmpty()) {
        return ctx.ack(RunbookText.list(offered));
      }
      return open(payload.getTriggerId(), RunbookModal.picker(offered, channel), asker, ctx);
    }
    if (text.equals("help")) {
      return ctx.ack(RunbookText.help());
    }
    if (text.equals("list")) {
      Optional<Set<String>> known = roles.known(user);
      if (known.isPresent()) {
        return ctx.ack(RunbookText.list(mayRun(known.get())));
      }
      loop.runOnContext(v -> roles.of(user).compose(held -> replies.tell(asker, RunbookText.list(mayRun(held)))));
      return ctx.ack();
    }
    RunbookRequest parsed = RunbookRequest.parse(text);
    Optional<RunbookRefusal> unknown = RunbookRequest.unknown(parsed.id(), config.runbooks().keySet());
    if (unknown.isPresent()) {
      return ctx.ack(RunbookText.refusal(unknown.get()));
    }
    Runbook runbook = config.runbooks().get(parsed.id());
    boolean bare = parsed.arguments().isEmpty() && parsed.malformed().isEmpty();
    List<RunbookRefusal> refusals = new ArrayList<>();
    roles.known(user).filter(held -> !RunbookRuns.mayRun(runbook, held)).ifPresent(held -> refusals.add(
        RunbookRefusal.about(RunbookRefusal.Code.ROLE_MISSING, runbook.id(), null, runbook.roles(), null)));
    if (bare && refusals.isEmpty() && (!runbook.parameters().isEmpty() || runbook.confirm() != null)) {
      return open(payload.getTriggerId(), RunbookModal.of(runbook, channel, Map.of()), asker, ctx);
    }
    refusals.addAll(parsed.problems(runbook));
    lockNow(runbook).ifPresent(lock -> refusals.add(RunbookRefusal.locked(runbook.id(), lock)));
    if (!refusals.isEmpty()) {
      return ctx.ack(RunbookText.refusals(refusals) + "\nNothing was started.");
    }
    if (runbook.confirm() != null) {
      return open(payload.getTriggerId(), RunbookModal.of(runbook, channel, parsed.arguments()), asker, ctx);
    }
    start(runbook, parsed.arguments(), user, channel, asker);
    return ctx.ack(starting(runbook));
  }

  private Response picked(ViewSubmissionRequest request, ViewSubmissionContext ctx) {
    ViewSubmissionPayload payload = request.getPayload();
    if (payload == null || payload.getView() == null || payload.getUser() == null) {
      return ctx.ack();
    }
    String id = RunbookModal.pickedRunbook(payload.getView().getState());
    Runbook runbook = id == null ? null : config.runbooks().get(id);
    if (runbook == null) {
      return ctx.ackWithErrors(Map.of(RunbookIds.PICK_BLOCK, "Pick one of the runbooks."));
    }
    return ctx.ackWithUpdate(RunbookModal.of(runbook, payload.getView().getPrivateMetadata(), Map.of()));
  }

  private Response submitted(ViewSubmissionRequest request, ViewSubmissionContext ctx) {
    ViewSubmissionPayload payload = request.getPayload();
    if (payload == null || payload.getView() == null || payload.getUser() == null
        || !SlackIds.isId(payload.getUser().getId())) {
      return ctx.ack();
    }
    String[] metadata = String.valueOf(payload.getView().getPrivateMetadata()).split(" ", 2);
    Runbook runbook = metadata.length == 2 ? config.runbooks().get(metadata[1]) : null;
    if (runbook == null) {
      return ctx.ackWithUpdate(RunbookModal.started("This runbook is no longer in the config; nothing was started."));
    }
    String user = payload.getUser().getId();
    String channel = SlackIds.isId(metadata[0]) ? metadata[0] : user;
    Map<String, String> values = RunbookModal.values(runbook, payload.getView().getState());
    Map<String, String> errors = new HashMap<>();
    for (RunbookRefusal refusal : RunbookRequest.problems(runbook, values)) {
      List<String> fields = refusal.parameter() != null ? List.of(refusal.parameter()) : refusal.names();
      for (String field : fields) {
        String rule = refusal.code() == RunbookRefusal.Code.MISSING_PARAMETERS
            ? "Give a value: " + RunbookText.rule(runbook.parameter(field).orElseThrow())
            : RunbookText.refusal(refusal);
        errors.putIfAbsent(RunbookIds.PARAMETER_BLOCK + field, RunbookText.plain(rule));
      }
    }
    if (!errors.isEmpty()) {
      return ctx.ackWithErrors(errors);
    }
    Optional<Set<String>> known = roles.known(user);
    if (known.isPresent() && !RunbookRuns.mayRun(runbook, known.get())) {
      return ctx.ackWithUpdate(RunbookModal.started(RunbookText.refusal(RunbookRefusal.about(
          RunbookRefusal.Code.ROLE_MISSING, runbook.id(), null, runbook.roles(), null)) + " Nothing was started."));
    }
    start(runbook, values, user, channel, new Replies.To(channel, user, null));
    return ctx.ackWithUpdate(RunbookModal.started(starting(runbook)));
  }

  /**
   * The environment's lock, asked of the database while the acknowledgement waits (Bolt runs this
   * on a worker), for at most {@link #LOCK_WAIT}; empty when it is open or the answer is late, and
   * then the check as the run is stored answers instead.
   */
  private Optional<dev.preflight.checklists.deploy.EnvLock> lockNow(Runbook runbook) {
    if (!runbook.belongsToEnvironment() || Context.isOnEventLoopThread()) {
      return Optional.empty();
    }
    try {
      return runs.lockOf(runbook).toCompletionStage().toCompletableFuture()
          .get(LOCK_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return Optional.empty();
    }
  }

  private void start(Runbook runbook, Map<String, String> values, String user, String channel, Replies.To asker) {
    loop.runOnContext(v -> roles.of(user)
        .compose(held -> runs.start(runbook, values, user, held, channel))
        .compose(answer -> answer.accepted() ? Future.succeededFuture()
            : replies.tell(asker, RunbookText.refusals(answer.refusals()) + "\nNothing was started."))
        .onFailure(e -> replies.explain(asker, e, "run")));
  }

  private Response click(BlockActionRequest request, ActionContext ctx, boolean approve) {
    Click.of(request.getPayload()).ifPresent(click -> loop.runOnContext(v -> {
      Replies.To to = Replies.To.of(click);
      String runId = click.value() == null ? "" : click.value().strip();
      runs.find(runId).compose(found -> {
        Optional<Runbook> runbook = found.flatMap(run -> Optional.ofNullable(config.runbooks().get(run.runbook())));
        if (found.isEmpty() || runbook.isEmpty()) {
          return replies.tell(to, RunbookText.refusal(RunbookRefusal.of(RunbookRefusal.Code.NO_SUCH_RUN, null)));
        }
        return roles.of(click.user()).compose(held -> approve
            ? runs.approve(runId, runbook.get(), click.user(), held).compose(answer -> answered(to, answer))
            : cancel(found.get(), runbook.get(), click.user(), held, to));
      }).onFailure(e -> replies.explain(to, e, approve ? "approval" : "cancel"));
    }));
    return ctx.ack();
  }

  private Future<Void> cancel(RunbookRun run, Runbook runbook, String user, Set<String> held, Replies.To to) {
    if (!user.equals(run.startedBy()) && !RunbookRuns.mayRun(runbook, held)) {
      return replies.tell(to, "Only the person who ran it, or someone who may run " + RunbookText.code(runbook.id())
          + ", can cancel it.");
    }
    return runs.cancel(run.id(), user).compose(answer -> answered(to, answer));
  }

  private Future<Void> answered(Replies.To to, RunbookRuns.Answer answer) {
    if (answer.signOff() != null) {
      return replies.tell(to, RunbookText.approval(answer.signOff()));
    }
    if (!answer.refusals().isEmpty()) {
      return replies.tell(to, RunbookText.refusals(answer.refusals()));
    }
    return Future.succeededFuture();
  }

  private Response open(String triggerId, View view, Replies.To asker, SlashCommandContext ctx) {
    loop.runOnContext(v -> slack.openView(triggerId, view)
        .onFailure(e -> replies.tell(asker, "I could not open the form (" + Mrkdwn.escape(e.getMessage())
            + "). Type `" + COMMAND + " <runbook> name=value …` instead; `" + COMMAND + " list` shows them.")));
    return ctx.ack();
  }

  private List<Runbook> mayRun(Set<String> held) {
    return config.runbooks().values().stream().filter(runbook -> RunbookRuns.mayRun(runbook, held)).toList();
  }

  private static String starting(Runbook runbook) {
    return "Starting *" + Mrkdwn.inline(runbook.title(), 150) + "*"
        + (runbook.needsSignOff() ? "; it runs once its approvals are in." : ".")
        + " Its message follows in this channel.";
  }
}
