package dev.preflight.handlers.render;

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
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.handlers.ActionIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The modal {@code /deploy} opens when typed on its own, for people who do not remember the
 * names. Only environments with a deploy target are offered. The channel the command was typed
 * in and the command's {@code response_url} travel in private_metadata, so a refusal after the
 * modal closes is answered where the command was typed, even where the bot is not a member.
 */
public final class DeployModal {

  /** Slack refuses a select with more options than this. */
  public static final int MAX_OPTIONS = 100;
  /** Slack refuses an option value longer than this. */
  public static final int OPTION_VALUE_LIMIT = 150;
  private static final int OPTION_TEXT_LIMIT = 75;

  private DeployModal() {}

  /** One environment a deploy can go to, as the environment select offers it. */
  public record Choice(String service, String environment) {

    /** The select's option value. */
    public String value() {
      return service + "/" + environment;
    }

    public String label() {
      return service + " → " + environment;
    }
  }

  /** What a submitted modal holds; a field is null when nothing was chosen or typed. */
  public record Submitted(String service, String environmentValue, String version) {}

  /** Every deployable environment of every service, by service then environment name. */
  public static List<Choice> choices(PreflightConfig config) {
    return config.services().values().stream()
        .sorted(Comparator.comparing(Service::name))
        .flatMap(service -> service.environments().values().stream()
            .filter(Service.Environment::deployable)
            .sorted(Comparator.comparing(Service.Environment::name))
            .map(environment -> new Choice(service.name(), environment.name())))
        .filter(choice -> choice.value().length() <= OPTION_VALUE_LIMIT)
        .toList();
  }

  /** The environment an option value stands for, looked up rather than split, so names may hold a '/'. */
  public static Optional<Choice> choice(PreflightConfig config, String value) {
    return choices(config).stream().filter(c -> c.value().equals(value)).findFirst();
  }

  /**
   * @param originChannel where {@code /deploy} was typed
   * @throws IllegalArgumentException when no environment is deployable: a select needs options
   */
  public static View build(PreflightConfig config, String originChannel) {
    return build(config, originChannel, null);
  }

  /** Where a late answer to the form goes: the channel {@code /deploy} was typed in, and its {@code response_url}. */
  public record Origin(String channel, String responseUrl) {}

  /** The origin a form's private_metadata names; null parts when it names none (a form opened before they were kept). */
  public static Origin origin(String metadata) {
    String[] parts = metadata == null ? new String[0] : metadata.strip().split(" ", 2);
    String channel = parts.length > 0 && !parts[0].isEmpty() ? parts[0] : null;
    String url = parts.length > 1 && parts[1].startsWith("http") ? parts[1] : null;
    return new Origin(channel, url);
  }

  /**
   * As {@link #build(PreflightConfig, String)}, keeping the command's {@code response_url} (or
   * null) for the answer that comes after the form is submitted.
   */
  public static View build(PreflightConfig config, String originChannel, String responseUrl) {
    List<Choice> choices = choices(config);
    if (choices.isEmpty()) {
      throw new IllegalArgumentException(
          "No environment has a deploy target, so the deploy modal has nothing to offer.");
    }
    List<String> services = choices.stream().map(Choice::service).distinct().toList();
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(input(i -> i.blockId(ActionIds.DEPLOY_SERVICE_BLOCK)
        .label(plainText("Service"))
        .element(staticSelect(s -> s.actionId(ActionIds.DEPLOY_SERVICE_ACTION)
            .placeholder(plainText("Pick a service"))
            .options(capped(services.stream().map(name -> option(plainText(clip(name)), name)).toList()))))));
    blocks.add(input(i -> i.blockId(ActionIds.DEPLOY_ENVIRONMENT_BLOCK)
        .label(plainText("Environment"))
        .element(staticSelect(s -> s.actionId(ActionIds.DEPLOY_ENVIRONMENT_ACTION)
            .placeholder(plainText("Pick where it goes"))
            .options(capped(choices.stream().map(c -> option(plainText(clip(c.label())), c.value())).toList()))))));
    blocks.add(input(i -> i.blockId(ActionIds.DEPLOY_VERSION_BLOCK)
        .label(plainText("Version"))
        .element(plainTextInput(p -> p.actionId(ActionIds.DEPLOY_VERSION_ACTION)
            .maxLength(DeployRules.VERSION_LIMIT)
            .placeholder(plainText("e.g. v1.4.2"))))));
    String note = "The run opens in the environment's channel with its checklist; Launch works once every gate passes.";
    if (services.size() > MAX_OPTIONS || choices.size() > MAX_OPTIONS) {
      note += " Only the first " + MAX_OPTIONS + " are listed; for the others type "
          + "`/deploy <service> <version> <environment>`.";
    }
    String shown = note;
    blocks.add(context(c -> c.elements(List.of(markdownText(shown)))));
    return view(v -> v.type("modal")
        .callbackId(ActionIds.DEPLOY_MODAL)
        .privateMetadata((originChannel == null ? "" : originChannel)
            + (responseUrl == null || responseUrl.isBlank() ? "" : " " + responseUrl))
        .title(viewTitle(t -> t.type("plain_text").text("Deploy")))
        .submit(viewSubmit(s -> s.type("plain_text").text("Open run")))
        .close(viewClose(c -> c.type("plain_text").text("Cancel")))
        .blocks(blocks));
  }

  /** What the modal shows once submitted: where the run is going, and a way to close it. */
  public static View opening(String mrkdwn) {
    return view(v -> v.type("modal")
        .callbackId(ActionIds.DEPLOY_MODAL)
        .title(viewTitle(t -> t.type("plain_text").text("Deploy")))
        .close(viewClose(c -> c.type("plain_text").text("Close")))
        .blocks(List.of(section(s -> s.text(markdownText(Mrkdwn.clipEscaped(mrkdwn, Mrkdwn.SECTION_TEXT_LIMIT)))))));
  }

  public static Submitted read(ViewState state) {
    return new Submitted(
        selected(state, ActionIds.DEPLOY_SERVICE_BLOCK, ActionIds.DEPLOY_SERVICE_ACTION),
        selected(state, ActionIds.DEPLOY_ENVIRONMENT_BLOCK, ActionIds.DEPLOY_ENVIRONMENT_ACTION),
        Optional.ofNullable(value(state, ActionIds.DEPLOY_VERSION_BLOCK, ActionIds.DEPLOY_VERSION_ACTION))
            .map(String::strip)
            .filter(v -> !v.isEmpty())
            .orElse(null));
  }

  private static String selected(ViewState state, String blockId, String actionId) {
    ViewState.Value value = stateOf(state, blockId, actionId);
    return value == null || value.getSelectedOption() == null ? null : value.getSelectedOption().getValue();
  }

  private static String value(ViewState state, String blockId, String actionId) {
    ViewState.Value value = stateOf(state, blockId, actionId);
    return value == null ? null : value.getValue();
  }

  private static ViewState.Value stateOf(ViewState state, String blockId, String actionId) {
    if (state == null || state.getValues() == null) {
      return null;
    }
    Map<String, ViewState.Value> block = state.getValues().get(blockId);
    return block == null ? null : block.get(actionId);
  }

  private static List<OptionObject> capped(List<OptionObject> options) {
    return options.size() > MAX_OPTIONS ? options.subList(0, MAX_OPTIONS) : options;
  }

  private static String clip(String label) {
    return Mrkdwn.plain(label, OPTION_TEXT_LIMIT);
  }
}
