package dev.preflight.deploy.alert;

import dev.preflight.checklists.alert.AlertRoute;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where an alert goes: the first configured route whose source and match entries all
 * fit the alert's labels. A generic alert that names a service and an environment itself goes
 * there when no route claims it first, so a script needs no route to reach its own service.
 * Whether the service and environment exist is checked by the caller against the config.
 *
 * <p>A Sentry route's {@code project} matches the project's slug or its numeric id, so a route
 * written either way catches the issue alerts, the metric alerts and the issue webhooks.
 */
public final class AlertRouter {

  private final List<AlertRoute> routes;

  public AlertRouter(List<AlertRoute> routes) {
    this.routes = List.copyOf(routes);
  }

  public Optional<AlertRoute> route(Alert alert) {
    for (AlertRoute route : routes) {
      if (matches(route, alert)) {
        return Optional.of(route);
      }
    }
    return selfRouted(alert);
  }

  private static boolean matches(AlertRoute route, Alert alert) {
    if (route.source() != null && !route.source().equals(alert.source())) {
      return false;
    }
    for (Map.Entry<String, String> wanted : route.match().entrySet()) {
      if (!carries(alert, wanted.getKey(), wanted.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static boolean carries(Alert alert, String name, String value) {
    if (value.equals(alert.labels().get(name))) {
      return true;
    }
    return SentryParser.SOURCE.equals(alert.source()) && "project".equals(name)
        && value.equals(alert.labels().get("project_id"));
  }

  private static Optional<AlertRoute> selfRouted(Alert alert) {
    if (!GenericParser.SOURCE.equals(alert.source())) {
      return Optional.empty();
    }
    String service = alert.labels().get("service");
    String environment = alert.labels().get("environment");
    if (service == null || environment == null || service.isBlank() || environment.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(new AlertRoute(GenericParser.SOURCE, Map.of(), service, environment, null));
  }
}
