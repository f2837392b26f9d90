package dev.preflight.handlers.action;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.view.View;
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
import java.time.Clock;
import java.util.Optional;

/**
 * The buttons on a run's message: tick, untick, re-run and waive, as buttons or as the options
 * of an item's overflow menu, in the message or in the all-items modal. Each click is acknowledged
 * at once; the change is then made against the run as stored, so a click on a button that no
 * longer applies is refused with a private explanation instead of acting twice. Answers go
 * through the click's {@code response_url} (a click in the modal has none: a direct message).
 */
public final class ItemActions {

  private final ChecklistRuns runs;
  private final Roles roles;
  private final SlackApi slack;
  private final Replies replies;
  private final Context loop;
  private final AllItemsModal allItems;

  public ItemActions(ChecklistRuns runs, Roles roles, SlackApi slack, Replies replies, Context loop) {
    this.runs = runs;
    this.roles = roles;
    this.slack = slack;
    this.replies = replies;
    this.loop = loop;
    this.allItems = new AllItemsModal(runs, slack, replies, loop, Clock.systemUTC());
  }

  public void register(App app) {
    app.blockAction(ActionIds.TICK, (req, ctx) -> clicked(req, ctx, "button:"));
    app.blockAction(ActionIds.UNTICK, (req, ctx) -> clicked(req, ctx, "button:"));
    app.blockAction(ActionIds.RERUN, (req, ctx) -> clicked(req, ctx, "button:"));
    app.blockAction(ActionIds.WAIVE, (req, ctx) -> clicked(req, ctx, "button:"));
    app.blockAction(ActionIds.ITEM_MENU, this::chosen);
    allItems.register(app);
  }

  private Response clicked(BlockActionRequest req, ActionContext ctx, String source) {
    Click.of(req.getPayload()).ifPresent(click -> act(click, source, req.getPayload()));
    return ctx.ack();
  }

  /** An option picked from an item's overflow menu: the same as the button it stands for. */
  private Response chosen(BlockActionRequest req, ActionContext ctx) {
    BlockActionPayload payload = req.getPayload();
    Click.of(payload).ifPresent(click -> {
      BlockActionPayload.Action action = payload.getActions().get(0);
      String selected = action.getSelectedOption() == null ? null : action.getSelectedOption().getValue();
      ActionIds.MenuChoice choice;
      try {
        choice = ActionIds.parseItemMenuValue(selected);
      } catch (IllegalArgumentException e) {
        loop.runOnContext(v -> replies.tell(Replies.To.of(click), Replies.NOT_MINE));
        return;
      }
      String value = ActionIds.itemValue(choice.item().runId(), choice.item().itemId());
      act(new Click(click.user(), click.channel(), choice.actionId(), value, click.messageTs(), click.responseUrl()),
          "menu:", payload);
    });
    return ctx.ack();
  }

  /** @param source how the audit names where the click came from ("button:" or "menu:") */
  private void act(Click click, String source, BlockActionPayload payload) {
    Optional<AllItemsModal.Open> modal = AllItemsModal.Open.of(payload);
    switch (click.actionId()) {
      case ActionIds.TICK -> change(click, source, "tick", runs::tick, modal);
      case ActionIds.UNTICK -> change(click, source, "untick", runs::untick, modal);
      case ActionIds.RERUN -> change(click, source, "re-run", runs::rerun, modal);
      case ActionIds.WAIVE -> openWaiver(click, payload.getTriggerId(), modal.isPresent());
      default -> loop.runOnContext(v -> replies.tell(Replies.To.of(click), Replies.NOT_MINE));
    }
  }

  /**
   * Makes the change; the run's message follows by itself, and the all-items modal the click
   * came from, if any, is drawn again to show it.
   *
   * @param what the change as the person would name it, for answers during a database outage
   */
  private void change(Click click, String source, String what, ItemChange change,
      Optional<AllItemsModal.Open> modal) {
    onLoop(click, what, ref -> change.apply(ref.runId(), ref.itemId(),
            new Origin(click.user(), source + click.actionId()))
        .compose(tracked -> modal.map(open -> allItems.refresh(open, tracked.run()))
            .orElse(Future.succeededFuture())));
  }

  /**
   * Opens the reason modal for people allowed to waive (over the all-items modal when the click
   * came from it); everyone else is told who may.
   */
  private void openWaiver(Click click, String triggerId, boolean fromModal) {
    onLoop(click, "waiver", ref -> runs.find(ref.runId())
        .compose(tracked -> roles.of(click.user()).compose(held -> {
          var refusal = tracked.checklistGone()
              ? Optional.of(Refusal.checklistGone(tracked.run().checklist().id()))
              : tracked.run().checklist().waiverRefusal(held);
          if (refusal.isPresent()) {
            return replies.tell(Replies.To.of(click), RefusalText.mrkdwn(refusal.get()));
          }
          Item item = item(tracked, ref.itemId());
          View form = WaiveModal.build(ref.runId(), item.id(), item.title());
          return fromModal ? allItems.push(triggerId, form) : slack.openView(triggerId, form).mapEmpty();
        })));
  }

  /** Reads the run and item a button names; a value that names none is answered without a lookup. */
  private void onLoop(Click click, String what, java.util.function.Function<ItemRef, Future<Void>> work) {
    loop.runOnContext(v -> {
      ItemRef ref;
      try {
        ref = ActionIds.parseItemValue(click.value());
      } catch (IllegalArgumentException e) {
        replies.tell(Replies.To.of(click), Replies.NOT_MINE);
        return;
      }
      Optional<String> refusal = refusal(ref);
      if (refusal.isPresent()) {
        replies.tell(Replies.To.of(click), refusal.get());
        return;
      }
      work.apply(ref).onFailure(RunMdc.around(ref.runId(), null,
          e -> replies.explain(Replies.To.of(click), e, what)));
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
