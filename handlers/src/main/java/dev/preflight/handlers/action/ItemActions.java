package dev.preflight.handlers.action;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.checklist.Item;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.checklists.run.RunRuleException;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.deploy.run.RunMdc;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Click;
import dev.preflight.handlers.ActionIds.ItemRef;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.render.RefusalText;
import dev.preflight.handlers.render.WaiveModal;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * The buttons on a run's message: tick, untick, re-run and waive. Each click is acknowledged
 * at once; the change is then made against the run as stored, so a click on a button that no
 * longer applies is refused with a private explanation instead of acting twice.
 */
public final class ItemActions {

  private final ChecklistRuns runs;
  private final Roles roles;
  private final SlackApi slack;
  private final Replies replies;
  private final Context loop;

  public ItemActions(ChecklistRuns runs, Roles roles, SlackApi slack, Replies replies, Context loop) {
    this.runs = runs;
    this.roles = roles;
    this.slack = slack;
    this.replies = replies;
    this.loop = loop;
  }

  public void register(App app) {
    app.blockAction(ActionIds.TICK, (req, ctx) -> change(req, ctx, "tick", runs::tick));
    app.blockAction(ActionIds.UNTICK, (req, ctx) -> change(req, ctx, "untick", runs::untick));
    app.blockAction(ActionIds.RERUN, (req, ctx) -> change(req, ctx, "re-run", runs::rerun));
    app.blockAction(ActionIds.WAIVE, this::openWaiver);
  }

  /** @param what the change as the person would name it, for answers during a database outage */
  private Response change(BlockActionRequest req, ActionContext ctx, String what, ItemChange change) {
    Click.of(req.getPayload()).ifPresent(click -> onLoop(click, what, ref -> change.apply(ref.runId(), ref.itemId(),
        new Origin(click.user(), "button:" + click.actionId())).mapEmpty()));
    return ctx.ack();
  }

  /** Opens the reason modal for people allowed to waive; everyone else is told who may. */
  private Response openWaiver(BlockActionRequest req, ActionContext ctx) {
    String triggerId = req.getPayload() == null ? null : req.getPayload().getTriggerId();
    Click.of(req.getPayload()).ifPresent(click -> onLoop(click, "waiver", ref -> runs.find(ref.runId())
        .compose(tracked -> roles.of(click.user()).compose(held -> {
          var refusal = tracked.run().checklist().waiverRefusal(held);
          if (refusal.isPresent()) {
            return replies.tell(click.channel(), click.user(), RefusalText.mrkdwn(refusal.get()));
          }
          Item item = item(tracked, ref.itemId());
          return slack.openView(triggerId, WaiveModal.build(ref.runId(), item.id(), item.title())).mapEmpty();
        }))));
    return ctx.ack();
  }

  /** Reads the run and item a button names; a value that names none is answered without a lookup. */
  private void onLoop(Click click, String what, java.util.function.Function<ItemRef, Future<Void>> work) {
    loop.runOnContext(v -> {
      ItemRef ref;
      try {
        ref = ActionIds.parseItemValue(click.value());
      } catch (IllegalArgumentException e) {
        replies.tell(click.channel(), click.user(), Replies.NOT_MINE);
        return;
      }
      Optional<String> refusal = refusal(ref);
      if (refusal.isPresent()) {
        replies.tell(click.channel(), click.user(), refusal.get());
        return;
      }
      work.apply(ref).onFailure(RunMdc.around(ref.runId(), null,
          e -> replies.explain(click.channel(), click.user(), e, what)));
    });
  }

  /**
   * The answer to a reference that cannot name an item of a run, decided from its shape alone,
   * so nothing is looked up; empty when it may name one.
   */
  static Optional<String> refusal(ItemRef ref) {
    if (!SlackIds.isRunId(ref.runId())) {
      return Optional.of(Replies.noSuchRun(ref.runId()));
    }
    if (!SlackIds.isConfigName(ref.itemId())) {
      return Optional.of(Replies.NOT_MINE);
    }
    return Optional.empty();
  }

  private static Item item(TrackedRun tracked, String itemId) {
    return tracked.run().checklist().item(itemId)
        .orElseThrow(() -> new RunRuleException(Refusal.noSuchItem(itemId)));
  }

  @FunctionalInterface
  private interface ItemChange {
    Future<TrackedRun> apply(String runId, String itemId, Origin origin);
  }

}
