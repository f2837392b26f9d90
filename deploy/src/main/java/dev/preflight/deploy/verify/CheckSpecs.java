package dev.preflight.deploy.verify;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.Placeholders;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills a deploy's {@code {service}}, {@code {version}} and {@code {environment}} into a check
 * before it runs, so one verification config serves every version of a service. Only values
 * a user writes as text are filled (URLs, headers, bodies, queries, argv, expected strings);
 * names of environment variables, JSON pointers and {@code ${NAME}} references are left alone.
 */
public final class CheckSpecs {

  private CheckSpecs() {}

  public static CheckSpec fill(CheckSpec spec, Map<String, String> values) {
    if (spec == null || values.isEmpty()) {
      return spec;
    }
    if (spec instanceof CheckSpec.Http http) {
      return new CheckSpec.Http(http.method(), fill(http.url(), values), fillValues(http.headers(), values),
          fill(http.body(), values), http.expectStatus(), fillExpected(http.expectJson(), values),
          fill(http.bodyContains(), values), http.maxLatency(), http.timing());
    }
    if (spec instanceof CheckSpec.Smoke smoke) {
      return fillSmoke(smoke, values);
    }
    if (spec instanceof CheckSpec.Sql sql) {
      return new CheckSpec.Sql(sql.databaseUrlEnv(), fill(sql.query(), values), sql.expectRows(),
          fill(sql.expectValue(), values), sql.timing());
    }
    if (spec instanceof CheckSpec.Command command) {
      return new CheckSpec.Command(command.argv().stream().map(arg -> fill(arg, values)).toList(),
          fill(command.workdir(), values), fillValues(command.env(), values), command.expectExitCode(),
          fill(command.outputContains(), values), command.timing());
    }
    if (spec instanceof CheckSpec.AwsSecret secret) {
      return new CheckSpec.AwsSecret(fill(secret.secretId(), values), fill(secret.region(), values), secret.timing());
    }
    if (spec instanceof CheckSpec.EcsService ecs) {
      return new CheckSpec.EcsService(fill(ecs.cluster(), values), fill(ecs.service(), values),
          fill(ecs.region(), values), ecs.timing());
    }
    if (spec instanceof CheckSpec.Prometheus prometheus) {
      return new CheckSpec.Prometheus(fill(prometheus.source(), values), fill(prometheus.query(), values),
          prometheus.auth(), prometheus.rule(), prometheus.timing());
    }
    if (spec instanceof CheckSpec.CloudWatchMetric cloudWatch) {
      return new CheckSpec.CloudWatchMetric(cloudWatch.metrics().stream()
          .map(stat -> new CheckSpec.MetricStat(stat.id(), stat.namespace(), stat.metric(),
              fillValues(stat.dimensions(), values), stat.statistic()))
          .toList(), cloudWatch.expression(), fill(cloudWatch.region(), values), cloudWatch.rule(), cloudWatch.timing());
    }
    // Sealed, but an if-chain cannot prove it covers every kind; a new kind must be added above.
    throw new IllegalArgumentException("no placeholder filling for check kind " + spec.kind());
  }

  /**
   * A name an earlier step captures means that step's answer, not the deploy's value, in every
   * step after it; those names stay as written for the smoke runner to fill.
   */
  private static CheckSpec.Smoke fillSmoke(CheckSpec.Smoke smoke, Map<String, String> values) {
    Set<String> capturedSoFar = new HashSet<>();
    List<CheckSpec.Smoke.Step> steps = new java.util.ArrayList<>();
    for (CheckSpec.Smoke.Step step : smoke.steps()) {
      Map<String, String> known = new HashMap<>(values);
      known.keySet().removeAll(capturedSoFar);
      steps.add(new CheckSpec.Smoke.Step(step.name(), step.method(), fill(step.url(), known),
          fillValues(step.headers(), known), fill(step.body(), known), step.expectStatus(),
          fillExpected(step.expectJson(), known), fill(step.bodyContains(), known), step.maxLatency(),
          step.capture()));
      capturedSoFar.addAll(step.capture().keySet());
    }
    return new CheckSpec.Smoke(steps, smoke.timing());
  }

  private static String fill(String template, Map<String, String> values) {
    return Placeholders.fill(template, values);
  }

  private static Map<String, String> fillValues(Map<String, String> map, Map<String, String> values) {
    Map<String, String> filled = new LinkedHashMap<>();
    map.forEach((key, value) -> filled.put(key, fill(value, values)));
    return filled;
  }

  private static Map<String, Object> fillExpected(Map<String, Object> expected, Map<String, String> values) {
    Map<String, Object> filled = new LinkedHashMap<>();
    expected.forEach((pointer, value) -> filled.put(pointer, value instanceof String text ? fill(text, values) : value));
    return filled;
  }
}
