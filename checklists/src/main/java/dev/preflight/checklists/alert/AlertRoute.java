package dev.preflight.checklists.alert;

import java.util.Map;

/**
 * Where an alert from monitoring goes: the first route whose source and matchers fit it names
 * the service, the environment and the channel.
 *
 * @param source {@code alertmanager}, {@code cloudwatch}, {@code sentry}, {@code generic}, or
 *     null for any source
 * @param match what the alert must carry, each entry exactly: for alertmanager its labels, for
 *     cloudwatch {@code alarmName} (and the other alarm fields the parser exposes), for sentry
 *     {@code project} (and its level and tags), for generic a field of its JSON; empty matches
 *     every alert of the source
 * @param channel a channel name from the config, or null for the environment's alert channel
 */
public record AlertRoute(String source, Map<String, String> match, String service, String environment,
    String channel) {

  public AlertRoute {
    match = Map.copyOf(match);
  }
}
