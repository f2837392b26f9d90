package dev.preflight.deploy.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert from monitoring, whatever sent it. Every source is read into this shape so routing,
 * grouping and the Slack message never need to know where it came from.
 *
 * @param source the webhook it came in on: {@code alertmanager}, {@code cloudwatch}, {@code sentry},
 *     {@code generic}
 * @param groupKey what makes two deliveries the same alert: repeats share it, so they update one
 *     message instead of posting another
 * @param labels what routes match on (Alertmanager labels, {@code alarmName}, {@code project}, the
 *     generic shape's fields), in the order the source gave them
 * @param startsAt when the source says it began, or null
 * @param endsAt when it was resolved, or null while it fires
 */
public record Alert(String source, String groupKey, Status status, Severity severity, String summary,
    String description, List<Link> links, Map<String, String> labels, Instant startsAt, Instant endsAt) {

  public Alert {
    links = List.copyOf(links);
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    description = description == null ? "" : description;
  }

  /** How far back a sender's start time is believed; an older one is more likely a stale or wrong clock. */
  public static final Duration LONGEST_BELIEVED_START = Duration.ofDays(1);

  public boolean firing() {
    return status == Status.FIRING;
  }

  /**
   * When it started firing: the sender's {@code startsAt} when it has one that is not after
   * {@code received} and at most {@link #LONGEST_BELIEVED_START} before it, else {@code received}.
   */
  public Instant began(Instant received) {
    if (startsAt == null || startsAt.isAfter(received) || startsAt.isBefore(received.minus(LONGEST_BELIEVED_START))) {
      return received;
    }
    return startsAt;
  }

  public enum Status {
    FIRING, RESOLVED;

    public String wire() {
      return name().toLowerCase();
    }

    public static Status fromWire(String value) {
      return "resolved".equals(value) ? RESOLVED : FIRING;
    }
  }

  /** How loud the message is; sources that say nothing else are {@link #WARNING}. */
  public enum Severity {
    CRITICAL, WARNING, INFO;

    public String wire() {
      return name().toLowerCase();
    }

    /** Reads the words sources use (critical, error, fatal, high, page, warning, info, low…); unknown is WARNING. */
    public static Severity lenient(String value) {
      if (value == null) {
        return WARNING;
      }
      return switch (value.strip().toLowerCase()) {
        case "critical", "fatal", "error", "high", "page", "p1", "p2", "sev1", "sev2", "alarm" -> CRITICAL;
        case "info", "informational", "low", "debug", "none", "p5", "ok" -> INFO;
        default -> WARNING;
      };
    }
  }

  /** A link worth following from the message: the graph, the runbook, the Sentry issue. */
  public record Link(String title, String url) {}
}
