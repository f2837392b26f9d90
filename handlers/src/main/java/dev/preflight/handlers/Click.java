package dev.preflight.handlers;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import java.util.Optional;

/**
 * One button click, read null-safely from a {@code block_actions} payload: who clicked, where to
 * answer them, which button and its value, and the message it sits on.
 *
 * @param channel where a private answer goes: the click's channel, else the person's own id
 * @param value the button's value, or null when it has none
 * @param messageTs the message the button is on, or null (a Home tab or a modal)
 * @param responseUrl where a late private answer to the click goes, or null when Slack sent none
 */
public record Click(String user, String channel, String actionId, String value, String messageTs,
    String responseUrl) {

  public Click(String user, String channel, String actionId, String value, String messageTs) {
    this(user, channel, actionId, value, messageTs, null);
  }

  /**
   * The click in {@code payload}, or empty when it names no user or no action (Slack always sends
   * both; a payload without them gets no answer, since there is nobody to give it to).
   */
  public static Optional<Click> of(BlockActionPayload payload) {
    if (payload == null || payload.getUser() == null || !SlackIds.isId(payload.getUser().getId())
        || payload.getActions() == null || payload.getActions().isEmpty() || payload.getActions().get(0) == null) {
      return Optional.empty();
    }
    String user = payload.getUser().getId();
    String channel = payload.getChannel() != null && SlackIds.isId(payload.getChannel().getId())
        ? payload.getChannel().getId() : user;
    BlockActionPayload.Action action = payload.getActions().get(0);
    String messageTs = payload.getMessage() != null ? payload.getMessage().getTs()
        : payload.getContainer() != null ? payload.getContainer().getMessageTs() : null;
    String responseUrl = payload.getResponseUrl();
    return Optional.of(new Click(user, channel, action.getActionId(), action.getValue(),
        SlackIds.isTs(messageTs) ? messageTs : null,
        responseUrl != null && responseUrl.startsWith("http") ? responseUrl : null));
  }
}
