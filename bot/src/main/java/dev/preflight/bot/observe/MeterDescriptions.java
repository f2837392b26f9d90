package dev.preflight.bot.observe;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * What each of the bot's own meters means, for those created where no description was given
 * (a plain {@code registry.counter(name, tags)}). Prometheus shows it as the {@code # HELP} line.
 * A meter that has a description keeps it.
 */
final class MeterDescriptions implements MeterFilter {

  static final Map<String, String> BY_NAME = Map.of(
      "preflight.aws.calls", "Calls to AWS APIs, by service, operation and outcome",
      "preflight.slack.api.calls", "Calls to Slack's Web API, by method, retries included",
      "preflight.slack.api.rate_limited", "Slack Web API calls answered 429 (rate limited), by method",
      "preflight.slack.api.retries", "Slack Web API calls tried again after a 5xx, a 429, a timeout or a "
          + "connection error, by method");

  @Override
  public Meter.Id map(Meter.Id id) {
    String description = BY_NAME.get(id.getName());
    if (description == null || (id.getDescription() != null && !id.getDescription().isBlank())) {
      return id;
    }
    return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), description, id.getType());
  }
}
