package dev.preflight.handlers.render;

import static com.slack.api.model.block.Blocks.asBlocks;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.ActionIds.ItemRef;
import java.util.Map;

/**
 * The modal that asks why an item is waived. The item travels in private_metadata, so the
 * submission needs nothing but the view to know what to waive.
 */
public final class WaiveModal {

  /** Long enough for a real reason, short enough to show in the run message. */
  public static final int REASON_MAX_LENGTH = 500;
  public static final String REASON_REQUIRED = "Say why this item can be skipped.";

  private WaiveModal() {}

  public static View build(String runId, String itemId, String itemTitle) {
    String metadata = ActionIds.itemValue(runId, itemId);
    String prompt = "Waive *" + Mrkdwn.inline(itemTitle, 1000) + "*?\n"
        + "Your name and the reason are kept with the run and shown in its message.";
    return view(v -> v.type("modal")
        .callbackId(ActionIds.WAIVE_MODAL)
        .privateMetadata(metadata)
        .title(viewTitle(t -> t.type("plain_text").text("Waive item")))
        .submit(viewSubmit(s -> s.type("plain_text").text("Waive")))
        .close(viewClose(c -> c.type("plain_text").text("Cancel")))
        .blocks(asBlocks(
            section(s -> s.text(markdownText(prompt))),
            input(i -> i.blockId(ActionIds.WAIVE_REASON_BLOCK)
                .label(plainText("Reason"))
                .optional(false)
                .element(plainTextInput(p -> p.actionId(ActionIds.WAIVE_REASON_ACTION)
                    .multiline(true)
                    .maxLength(REASON_MAX_LENGTH)
                    .placeholder(plainText("e.g. checked by hand in the AWS console"))))))));
  }

  /** The run and item a submitted waiver modal is about. */
  public static ItemRef item(View view) {
    return ActionIds.parseItemValue(view.getPrivateMetadata());
  }

  /**
   * The reason typed in a submitted waiver modal, trimmed; empty when there is none (Slack
   * enforces the field, but not that it holds more than spaces).
   */
  public static String reason(ViewState state) {
    if (state == null || state.getValues() == null) {
      return "";
    }
    Map<String, ViewState.Value> block = state.getValues().get(ActionIds.WAIVE_REASON_BLOCK);
    ViewState.Value input = block == null ? null : block.get(ActionIds.WAIVE_REASON_ACTION);
    String value = input == null ? null : input.getValue();
    return value == null ? "" : value.strip();
  }

  /**
   * Errors to answer a submission with ({@code response_action: errors}), keyed by block id;
   * empty when the reason is acceptable.
   */
  public static Map<String, String> errors(ViewState state) {
    String reason = reason(state);
    if (reason.isEmpty()) {
      return Map.of(ActionIds.WAIVE_REASON_BLOCK, REASON_REQUIRED);
    }
    if (reason.length() > REASON_MAX_LENGTH) {
      return Map.of(ActionIds.WAIVE_REASON_BLOCK,
          "Keep the reason under " + REASON_MAX_LENGTH + " characters; details can go in the thread.");
    }
    return Map.of();
  }
}
