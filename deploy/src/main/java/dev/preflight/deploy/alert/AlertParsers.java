package dev.preflight.deploy.alert;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The sources {@code POST /alerts/{source}} knows, by their path segment. */
public final class AlertParsers {

  private final Map<String, AlertParser> bySource = new LinkedHashMap<>();

  public AlertParsers(List<AlertParser> parsers) {
    parsers.forEach(parser -> bySource.put(parser.source(), parser));
  }

  /** Alertmanager, CloudWatch through SNS, Sentry, and Preflight's generic shape. */
  public static AlertParsers standard() {
    return new AlertParsers(List.of(new AlertmanagerParser(), new CloudwatchParser(), new SentryParser(),
        new GenericParser()));
  }

  public Optional<AlertParser> parser(String source) {
    return Optional.ofNullable(bySource.get(source));
  }

  /** The known sources, for the answer to an unknown one. */
  public List<String> sources() {
    return List.copyOf(bySource.keySet());
  }

  /** @throws AlertFormatException for an unknown source or a body that is not that source's */
  public AlertBatch parse(String source, String body) {
    return parser(source)
        .orElseThrow(() -> new AlertFormatException("unknown alert source '" + Json.clip(String.valueOf(source))
            + "'; Preflight accepts " + String.join(", ", sources())))
        .parse(body);
  }
}
