package dev.preflight.handlers.command;

import dev.preflight.checklists.checklist.Checklist;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.config.Service;
import dev.preflight.checklists.config.Suggestions;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.checklists.run.Refusal;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RefusalText;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The checks a deploy request passes before anything is stored: they need only the config, so
 * a typo is answered in the acknowledgement itself and changes nothing. Who may deploy is not
 * here: roles are looked up in Slack, so {@code DeployRuns} checks them.
 */
public sealed interface DeployCheck {

  /** Which part of the request is wrong, so a modal can put the error under the right field. */
  enum Field { USAGE, SERVICE, ENVIRONMENT, VERSION }

  /**
   * A request that may go on.
   *
   * @param version null when only the service and environment were asked for
   */
  record Passed(Service service, Service.Environment environment, String version) implements DeployCheck {

    /** The channel the run's message will most likely go to, if the config names one. */
    public Optional<String> channelId(PreflightConfig config) {
      return config.channelId(environment.channel())
          .or(() -> config.checklist(environment.checklist()).map(Checklist::channel).flatMap(config::channelId));
    }
  }

  /** @param reason mrkdwn addressed to the person who asked */
  record Refused(Field field, String reason) implements DeployCheck {}

  /** The service and one of its deployable environments, by the names a person typed. */
  static DeployCheck environment(PreflightConfig config, String serviceName, String environmentName) {
    Service service = config.services().get(serviceName);
    if (service == null) {
      return new Refused(Field.SERVICE, "There is no service `" + Mrkdwn.echo(serviceName) + "`. "
          + hint(serviceName, config.services().keySet(), "Services"));
    }
    Service.Environment environment = service.environment(environmentName).orElse(null);
    if (environment == null) {
      return new Refused(Field.ENVIRONMENT, "*" + Mrkdwn.escape(service.name()) + "* has no environment `"
          + Mrkdwn.echo(environmentName) + "`. "
          + hint(environmentName, service.environments().keySet(), "Its environments"));
    }
    if (!environment.deployable()) {
      return new Refused(Field.ENVIRONMENT, "*" + Mrkdwn.escape(service.name()) + "* in *"
          + Mrkdwn.escape(environment.name()) + "* has no deploy target in the config, so it cannot be deployed "
          + "from here; `/checklist " + Mrkdwn.escape(environment.checklist()) + "` runs its checklist on its own.");
    }
    return new Passed(service, environment, null);
  }

  /** Everything a deploy of {@code version} needs from the config. */
  static DeployCheck deploy(PreflightConfig config, String serviceName, String version, String environmentName) {
    DeployCheck found = environment(config, serviceName, environmentName);
    if (!(found instanceof Passed passed)) {
      return found;
    }
    Optional<Refusal> refusal = DeployRules.versionRefusal(passed.service(), version);
    if (refusal.isPresent()) {
      return new Refused(Field.VERSION, RefusalText.mrkdwn(refusal.get()));
    }
    return new Passed(passed.service(), passed.environment(), version);
  }

  private static String hint(String typed, java.util.Collection<String> known, String noun) {
    if (known.isEmpty()) {
      return "None are configured yet.";
    }
    // Nothing in the config is as long as the echo limit; comparing a megabyte to every name costs for nothing.
    Optional<String> closest = typed.length() > Mrkdwn.ECHO_LIMIT ? Optional.empty() : Suggestions.closest(typed, known);
    return closest
        .map(match -> "Did you mean `" + Mrkdwn.escape(match) + "`?")
        .orElseGet(() -> noun + ": " + known.stream().sorted().map(k -> "`" + Mrkdwn.escape(k) + "`")
            .collect(Collectors.joining(", ")) + ".");
  }
}
