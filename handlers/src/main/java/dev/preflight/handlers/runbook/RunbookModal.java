package dev.preflight.handlers.runbook;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.option;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.block.element.BlockElements.staticSelect;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.preflight.checklists.runbook.Parameter;
import dev.preflight.checklists.runbook.Runbook;
import dev.preflight.handlers.render.Mrkdwn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The forms of {@code /run}: a picker of runbooks when it is typed alone, and one modal per
 * runbook with an input per parameter and its confirm text. The channel it was typed in and the
 * runbook id travel in private_metadata as {@code channel runbook}.
 */
final class RunbookModal {

  private static final int MAX_OPTIONS = 100;
  private static final int TITLE_LIMIT = 24;
  private static final int LABEL_LIMIT = 75;

  private RunbookModal() {}

  static View picker(List<Runbook> runbooks, String channel) {
    List<OptionObject> options = runbooks.stream().limit(MAX_OPTIONS)
        .map(r -> option(plainText(Mrkdwn.plain(r.title(), LABEL_LIMIT)), r.id())).toList();
    return view(v -> v.type("modal")
        .callbackId(RunbookIds.PICK_MODAL)
        .privateMetadata(channel)
        .title(viewTitle(t -> t.type("plain_text").text("Run a runbook")))
        .submit(viewSubmit(s -> s.type("plain_text").text("Next")))
        .close(viewClose(c -> c.type("plain_text").text("Cancel")))
        .blocks(List.of(input(i -> i.blockId(RunbookIds.PICK_BLOCK)
            .label(plainText("Runbook"))
            .element(staticSelect(s -> s.actionId(RunbookIds.PICK_ACTION)
                .placeholder(plainText("Pick a runbook"))
                .options(options)))))));
  }

  /** @param values initial values, e.g. typed with the command; may be empty */
  static View of(Runbook runbook, String channel, Map<String, String> values) {
    List<LayoutBlock> blocks = new ArrayList<>();
    String intro = runbook.description() == null ? "" : Mrkdwn.inline(runbook.description(), 600);
    if (runbook.confirm() != null) {
      intro = (intro.isEmpty() ? "" : intro + "\n\n") + "*" + Mrkdwn.inline(runbook.confirm(), 600) + "*";
    }
    if (!intro.isEmpty()) {
      String shown = intro;
      blocks.add(section(s -> s.text(markdownText(shown))));
    }
    for (Parameter parameter : runbook.parameters()) {
      String initial = values.get(parameter.name());
      String hint = RunbookText.plain(RunbookText.rule(parameter))
          + (parameter.description() == null ? "" : " — " + parameter.description());
      blocks.add(input(i -> i.blockId(RunbookIds.PARAMETER_BLOCK + parameter.name())
          .label(plainText(Mrkdwn.plain(parameter.name(), LABEL_LIMIT)))
          .hint(plainText(Mrkdwn.plain(hint, 150)))
          .element(parameter instanceof Parameter.Choice choice
              ? staticSelect(s -> {
                s.actionId(RunbookIds.PARAMETER_ACTION)
                    .options(choice.values().stream().map(value -> option(plainText(value), value)).toList());
                if (initial != null && choice.values().contains(initial)) {
                  s.initialOption(option(plainText(initial), initial));
                }
                return s;
              })
              : plainTextInput(p -> p.actionId(RunbookIds.PARAMETER_ACTION).initialValue(initial)))));
    }
    blocks.add(context(c -> c.elements(List.of(markdownText("The run posts one message in this channel with its "
        + "steps" + (runbook.needsSignOff() ? "; it starts once its approvals are in." : "."))))));
    return view(v -> v.type("modal")
        .callbackId(RunbookIds.RUN_MODAL)
        .privateMetadata(channel + " " + runbook.id())
        .title(viewTitle(t -> t.type("plain_text").text(Mrkdwn.plain(runbook.title(), TITLE_LIMIT))))
        .submit(viewSubmit(s -> s.type("plain_text").text("Run")))
        .close(viewClose(c -> c.type("plain_text").text("Cancel")))
        .blocks(blocks));
  }

  /** What the modal says once submitted. */
  static View started(String mrkdwn) {
    return view(v -> v.type("modal")
        .callbackId(RunbookIds.RUN_MODAL)
        .title(viewTitle(t -> t.type("plain_text").text("Run a runbook")))
        .close(viewClose(c -> c.type("plain_text").text("Close")))
        .blocks(List.of(section(s -> s.text(markdownText(Mrkdwn.clipEscaped(mrkdwn, Mrkdwn.SECTION_TEXT_LIMIT)))))));
  }

  /** Each parameter's submitted value (trimmed), by name; a parameter left empty is absent. */
  static Map<String, String> values(Runbook runbook, ViewState state) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Parameter parameter : runbook.parameters()) {
      ViewState.Value value = state == null || state.getValues() == null ? null
          : state.getValues().getOrDefault(RunbookIds.PARAMETER_BLOCK + parameter.name(), Map.of())
              .get(RunbookIds.PARAMETER_ACTION);
      String text = value == null ? null
          : value.getSelectedOption() != null ? value.getSelectedOption().getValue() : value.getValue();
      if (text != null && !text.strip().isEmpty()) {
        values.put(parameter.name(), text.strip());
      }
    }
    return values;
  }

  static String pickedRunbook(ViewState state) {
    ViewState.Value value = state == null || state.getValues() == null ? null
        : state.getValues().getOrDefault(RunbookIds.PICK_BLOCK, Map.of()).get(RunbookIds.PICK_ACTION);
    return value == null || value.getSelectedOption() == null ? null : value.getSelectedOption().getValue();
  }
}
