package dev.preflight.handlers.action;

import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.handler.builtin.ViewSubmissionHandler;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.handlers.ActionIds;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.SlackIds;
import dev.preflight.handlers.command.DeployCheck;
import dev.preflight.handlers.command.DeployOpener;
import dev.preflight.handlers.render.DeployModal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The deploy modal's submit. It is checked exactly like the typed command, and what the config
 * refuses is shown under the field at fault while the modal stays open, as is a person who holds
 * none of the environment's deployer roles (under the environment); what passes opens the run,
 * and the modal turns into a note saying where it went.
 */
public final class DeploySubmission implements ViewSubmissionHandler {

  /**
   * How long the submit waits for the person's roles when they are not known yet (they are read
   * when the form opens): Slack wants the answer within 3 s.
   */
  static final Duration ROLE_WAIT = Duration.ofMillis(1500);

  private final PreflightConfig config;
  private final DeployOpener opener;

  public DeploySubmission(PreflightConfig config, DeployOpener opener) {
    this.config = config;
    this.opener = opener;
  }

  @Override
  public Response apply(ViewSubmissionRequest req, ViewSubmissionContext ctx) {
    ViewSubmissionPayload payload = req.getPayload();
    if (payload == null || payload.getView() == null || payload.getUser() == null
        || !SlackIds.isId(payload.getUser().getId())) {
      return ctx.ack();
    }
    String user = payload.getUser().getId();
    DeployCheck checked = check(config, DeployModal.read(payload.getView().getState()));
    if (checked instanceof DeployCheck.Refused refused) {
      return ctx.ackWithErrors(errors(refused));
    }
    DeployCheck.Passed passed = (DeployCheck.Passed) checked;
    Optional<String> notADeployer = opener.refusedAtSubmit(passed, user, ROLE_WAIT);
    if (notADeployer.isPresent()) {
      return ctx.ackWithErrors(errors(new DeployCheck.Refused(DeployCheck.Field.ENVIRONMENT, notADeployer.get())));
    }
    Replies.To asker = asker(payload.getView().getPrivateMetadata(), user);
    opener.open(passed, asker, "view:" + ActionIds.DEPLOY_MODAL);
    return ctx.ackWithUpdate(DeployModal.opening(opener.ackForForm(passed, user, asker)));
  }

  /**
   * Where a refusal that comes after the form closed goes. A modal has no channel of its own: it
   * goes through the response_url of the {@code /deploy} that opened the form, which reaches the
   * person where they typed it; without one (or once it expired), by direct message, since that
   * channel may not have the bot.
   */
  static Replies.To asker(String metadata, String user) {
    DeployModal.Origin origin = DeployModal.origin(metadata);
    String channel = SlackIds.isId(origin.channel()) ? origin.channel() : user;
    return new Replies.To(channel, user, origin.responseUrl(), false);
  }

  static DeployCheck check(PreflightConfig config, DeployModal.Submitted submitted) {
    if (submitted.service() == null) {
      return new DeployCheck.Refused(DeployCheck.Field.SERVICE, "Pick a service.");
    }
    if (submitted.environmentValue() == null) {
      return new DeployCheck.Refused(DeployCheck.Field.ENVIRONMENT, "Pick an environment.");
    }
    Optional<DeployModal.Choice> choice = DeployModal.choice(config, submitted.environmentValue());
    if (choice.isEmpty()) {
      return new DeployCheck.Refused(DeployCheck.Field.ENVIRONMENT,
          "This environment cannot be deployed any more (the config changed). Close the form and type /deploy again.");
    }
    if (!choice.get().service().equals(submitted.service())) {
      return new DeployCheck.Refused(DeployCheck.Field.ENVIRONMENT, choice.get().label() + " belongs to "
          + choice.get().service() + ", not " + submitted.service() + ": pick one of the " + submitted.service()
          + " → … environments, or change the service.");
    }
    return DeployCheck.deploy(config, submitted.service(), submitted.version(), choice.get().environment());
  }

  /**
   * Slack shows these as plain text under the field: entities are undone and the bold marks
   * around names dropped. Backticks stay, reading as quotes; a refused version keeps every
   * character, since any of them may be the one at fault.
   */
  static Map<String, String> errors(DeployCheck.Refused refused) {
    String text = refused.reason().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    return switch (refused.field()) {
      case SERVICE -> Map.of(ActionIds.DEPLOY_SERVICE_BLOCK, text.replace("*", ""));
      case ENVIRONMENT, USAGE -> Map.of(ActionIds.DEPLOY_ENVIRONMENT_BLOCK, text.replace("*", ""));
      case VERSION -> Map.of(ActionIds.DEPLOY_VERSION_BLOCK, text);
    };
  }
}
