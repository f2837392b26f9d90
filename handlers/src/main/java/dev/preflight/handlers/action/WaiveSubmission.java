package dev.preflight.handlers.action;

import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.handler.builtin.ViewSubmissionHandler;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.ActionIds.ItemRef;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.WaiveModal;
import io.vertx.core.Context;
import java.util.Map;
import java.util.Optional;

/** The waiver modal's submit: a reason is required; the waiver itself is checked against the rules. */
public final class WaiveSubmission implements ViewSubmissionHandler {

  private final ChecklistRuns runs;
  private final Roles roles;
  private final Replies replies;
  private final Context loop;

  public WaiveSubmission(ChecklistRuns runs, Roles roles, Replies replies, Context loop) {
    this.runs = runs;
    this.roles = roles;
    this.replies = replies;
    this.loop = loop;
  }

  @Override
  public Response apply(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
    ViewSubmissionPayload payload = req.getPayload();
    if (payload == null || payload.getView() == null || payload.getUser() == null
        || !SlackIds.isId(payload.getUser().getId())) {
      // Nobody to answer and nothing to waive; closing the form is all that can be done.
      return ctx.ack();
    }
    String user = payload.getUser().getId();
    Map<String, String> errors = WaiveModal.errors(payload.getView().getState());
    if (!errors.isEmpty()) {
      return ctx.ack(r -> r.responseAction("errors").errors(errors));
    }
    String reason = WaiveModal.reason(payload.getView().getState());
    ItemRef ref;
    try {
      ref = WaiveModal.item(payload.getView());
    } catch (IllegalArgumentException e) {
      return ctx.ack(r -> r.responseAction("errors")
          .errors(Map.of(ActionIds.WAIVE_REASON_BLOCK, "This form no longer belongs to a run; close it.")));
    }
    Optional<String> refusal = ItemActions.refusal(ref);
    if (refusal.isPresent()) {
      return ctx.ack(r -> r.responseAction("errors")
          .errors(Map.of(ActionIds.WAIVE_REASON_BLOCK, Mrkdwn.plain(refusal.get().replace("`", ""), 150))));
    }
    loop.runOnContext(v -> roles.of(user)
        .compose(held -> runs.waive(ref.runId(), ref.itemId(), reason, held, new Origin(user, "view:" + ActionIds.WAIVE_MODAL)))
        .onFailure(e -> runs.channelOf(ref.runId())
            .onSuccess(channel -> replies.explain(Replies.To.inBotChannel(channel, user), e, "waiver"))
            .onFailure(lost -> replies.explain(Replies.To.direct(user), e, "waiver"))));
    return ctx.ack();
  }
}
