package dev.preflight.handlers.action;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.model.view.View;
import dev.preflight.checklists.run.ChecklistRun;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.RunMdc;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.ActionIds.ItemRef;
import dev.preflight.handlers.Click;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.render.ItemsModal;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;

/**
 * The modal that lists every item of a run: opened from the message's "Show all items" button,
 * turned page by page, and drawn again after an action taken in it, so it shows what the
 * message shows.
 */
final class AllItemsModal {

  /** An all-items modal a click came from: which view, and the page it shows. */
  record Open(String viewId, int page) {

    /** The all-items modal {@code payload} came from, or empty when it came from a message or another view. */
    static Optional<Open> of(BlockActionPayload payload) {
      View view = payload == null ? null : payload.getView();
      if (view == null || view.getId() == null || !ActionIds.ITEMS_MODAL.equals(view.getCallbackId())) {
        return Optional.empty();
      }
      int page;
      try {
        page = ActionIds.itemsModalPage(ActionIds.parseItemsModalMetadata(view.getPrivateMetadata()));
      } catch (IllegalArgumentException e) {
        page = 0;
      }
      return Optional.of(new Open(view.getId(), page));
    }
  }

  private final ChecklistRuns runs;
  private final SlackApi slack;
  private final Replies replies;
  private final Context loop;
  private final Clock clock;

  AllItemsModal(ChecklistRuns runs, SlackApi slack, Replies replies, Context loop, Clock clock) {
    this.runs = runs;
    this.slack = slack;
    this.replies = replies;
    this.loop = loop;
    this.clock = clock;
  }

  void register(App app) {
    app.blockAction(ActionIds.ITEMS_SHOW_ALL, this::showAll);
    app.blockAction(ActionIds.ITEMS_PREVIOUS, this::turn);
    app.blockAction(ActionIds.ITEMS_NEXT, this::turn);
  }

  /** Draws the modal {@code open} again from the run as it is now. */
  Future<Void> refresh(Open open, ChecklistRun run) {
    View view = ItemsModal.build(run, open.page(), clock.instant());
    return slack.<com.slack.api.methods.response.views.ViewsUpdateResponse>call("views.update",
        m -> m.viewsUpdate(r -> r.viewId(open.viewId()).view(view))).mapEmpty();
  }

  /** Puts {@code view} on top of the modal a click came from (the waiver form over the item list). */
  Future<Void> push(String triggerId, View view) {
    return slack.<com.slack.api.methods.response.views.ViewsPushResponse>call("views.push",
        m -> m.viewsPush(r -> r.triggerId(triggerId).view(view))).mapEmpty();
  }

  private Response showAll(BlockActionRequest req, ActionContext ctx) {
    String triggerId = req.getPayload() == null ? null : req.getPayload().getTriggerId();
    Click.of(req.getPayload()).ifPresent(click -> loop.runOnContext(v -> {
      String runId = click.value();
      if (!SlackIds.isRunId(runId)) {
        replies.tell(Replies.To.of(click), Replies.noSuchRun(runId));
        return;
      }
      runs.find(runId)
          .compose(tracked -> slack.openView(triggerId, ItemsModal.build(tracked.run(), 0, clock.instant())))
          .onFailure(RunMdc.around(runId, null,
              e -> replies.explain(Replies.To.of(click), e, "list of items")));
    }));
    return ctx.ack();
  }

  private Response turn(BlockActionRequest req, ActionContext ctx) {
    Optional<Open> open = AllItemsModal.Open.of(req.getPayload());
    Optional<Click> clicked = Click.of(req.getPayload());
    if (open.isEmpty() || clicked.isEmpty()) {
      return ctx.ack();
    }
    Click click = clicked.get();
    loop.runOnContext(v -> {
      ItemRef modal;
      int page;
      try {
        modal = ActionIds.parseItemsModalMetadata(req.getPayload().getView().getPrivateMetadata());
        page = Integer.parseInt(click.value());
      } catch (IllegalArgumentException e) {
        replies.tell(Replies.To.of(click), Replies.NOT_MINE);
        return;
      }
      if (!SlackIds.isRunId(modal.runId())) {
        replies.tell(Replies.To.of(click), Replies.noSuchRun(modal.runId()));
        return;
      }
      runs.find(modal.runId())
          .compose(tracked -> refresh(new Open(open.get().viewId(), page), tracked.run()))
          .onFailure(RunMdc.around(modal.runId(), null,
              e -> replies.explain(Replies.To.of(click), e, "list of items")));
    });
    return ctx.ack();
  }
}
