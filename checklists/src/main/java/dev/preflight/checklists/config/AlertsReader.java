package dev.preflight.checklists.config;

import dev.preflight.checklists.alert.AlertRoute;
import dev.preflight.checklists.checklist.Checklist;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads {@code alerts:} of preflight.yaml. It names services and environments, so it is read
 * after {@code services:}; the channels it names are checked with every other channel use.
 */
final class AlertsReader {

  /** The sources alerts arrive from, as {@code POST /alerts/{source}} names them. */
  static final List<String> SOURCES = List.of("alertmanager", "cloudwatch", "sentry", "generic");
  static final String HINT = "write alerts: { routes: [{ source: alertmanager, service: api, environment: production }] }";
  private static final String ROUTES_HINT = "write routes: [{ source: alertmanager, match: { service: api }, service: api, environment: production }]";
  private static final List<String> KEYS = List.of("routes");
  private static final List<String> ROUTE_KEYS = List.of("source", "match", "service", "environment", "channel");

  private final Map<String, Service> services;
  private final Map<String, Set<String>> environmentNames;
  private final References references;

  private AlertsReader(Map<String, Service> services, Map<String, Set<String>> environmentNames, References references) {
    this.services = services;
    this.environmentNames = environmentNames;
    this.references = references;
  }

  /**
   * @param environmentNames per service, every environment it declares, even one too broken to
   *     read; a service whose environments could not be read at all is absent, so that a route
   *     naming one of them is not reported as well
   * @return the routes in the order written, the first match winning
   */
  static List<AlertRoute> read(Mapping alerts, Map<String, Service> services, Map<String, Set<String>> environmentNames,
      References references) {
    return new AlertsReader(services, environmentNames, references).routes(alerts);
  }

  private List<AlertRoute> routes(Mapping alerts) {
    alerts.allow(KEYS);
    List<AlertRoute> routes = new ArrayList<>();
    for (Value value : alerts.require("routes", ROUTES_HINT).flatMap(Value::list).orElse(List.of())) {
      value.mapping().map(this::route).ifPresent(routes::add);
    }
    return routes;
  }

  /** The route as far as it could be read: any error found keeps the whole config from loading. */
  private AlertRoute route(Mapping fields) {
    fields.allow(ROUTE_KEYS);
    String source = fields.get("source", "write source: alertmanager, or leave it out to match alerts from any source")
        .flatMap(AlertsReader::source)
        .orElse(null);
    Map<String, String> match = fields.get("match", "write match: { service: api, env: production }")
        .flatMap(Value::mapping)
        .map(AlertsReader::match)
        .orElse(Map.of());
    Optional<String> service = fields.require("service", "write service: api, a service from services:")
        .flatMap(this::service);
    Optional<String> environment = fields.require("environment", "write environment: production, one of the service's environments")
        .flatMap(value -> value.text().filter(name -> service.isEmpty() || knownEnvironment(value, service.get(), name)));
    Optional<Value> channelValue = fields.get("channel", "write channel: alerts, a channel from channels:");
    String channel = channelValue.flatMap(v -> v.text().map(name -> references.channel(v, name))).orElse(null);
    if (channelValue.isEmpty() && service.isPresent() && environment.isPresent()) {
      checkSomewhereToPost(fields, service.get(), environment.get());
    }
    return new AlertRoute(source, match, service.orElse(null), environment.orElse(null), channel);
  }

  private static Optional<String> source(Value value) {
    return value.text().filter(name -> {
      boolean known = SOURCES.contains(name);
      if (!known) {
        value.error("unknown alert source `" + name + "`", Suggestions.hint(name, SOURCES, "sources"));
      }
      return known;
    });
  }

  /**
   * What an alert must carry. The names are not checked: Alertmanager labels, Sentry tags and
   * generic fields are whatever the sender chose. A value left empty is an error, since it
   * could only ever match by accident.
   */
  private static Map<String, String> match(Mapping mapping) {
    Map<String, String> match = new LinkedHashMap<>();
    for (Mapping.Entry entry : mapping.entries("write match: { service: api }")) {
      String hint = "write the exact value the alert must carry, or leave " + entry.name() + " out";
      if (entry.value().node() instanceof ScalarNode scalar
          && (scalar.getTag().equals(Tag.NULL) || scalar.getValue().isBlank())) {
        entry.value().error("has no value to match", hint);
        continue;
      }
      entry.value().string().ifPresent(text -> match.put(entry.name(), text));
    }
    return match;
  }

  private Optional<String> service(Value value) {
    return value.text().filter(name -> {
      boolean known = services.containsKey(name);
      if (!known) {
        value.error("unknown service `" + name + "`", Suggestions.hint(name, services.keySet(), "services"));
      }
      return known;
    });
  }

  private boolean knownEnvironment(Value value, String service, String name) {
    Set<String> known = environmentNames.get(service);
    if (known == null) {
      return false;
    }
    if (!known.contains(name)) {
      value.error("unknown environment `" + name + "` of `" + service + "`", Suggestions.hint(name, known, "environments"));
      return false;
    }
    return true;
  }

  /**
   * A route without a channel posts where the environment's alerts go: its alertChannel, its
   * channel, or its checklist's channel, which is only known once the checklists are read.
   */
  private void checkSomewhereToPost(Mapping route, String service, String environment) {
    services.get(service).environment(environment)
        .filter(env -> env.alertChannelOrDefault() == null)
        .ifPresent(env -> references.afterChecklists(checklists -> {
          Checklist checklist = checklists.get(env.checklist());
          // An unknown or unreadable checklist is reported where the environment names it.
          if (checklist != null && checklist.channel() == null) {
            route.error("nowhere to post: the route has no channel, and `" + environment + "` of `" + service
                + "` has no alertChannel or channel, nor has its checklist `" + checklist.id() + "`",
                "write channel: alerts");
          }
        }));
  }
}
