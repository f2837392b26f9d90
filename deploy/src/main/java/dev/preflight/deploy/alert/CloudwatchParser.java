package dev.preflight.deploy.alert;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A CloudWatch alarm delivered by Amazon SNS to an HTTP(S) subscription. The SNS envelope's
 * {@code Message} is the alarm as a JSON string. The alarm's ARN (or its name) is the grouping key,
 * so an alarm that flaps keeps one message: ALARM fires it, OK resolves it. INSUFFICIENT_DATA is
 * posted as a warning, since a metric that stopped reporting after a deploy is worth a look.
 *
 * <p>SNS first sends a {@code SubscriptionConfirmation}; this answers the URL to visit and the
 * endpoint does the visiting. SNS message signatures are not verified here: the bearer token
 * (or basic-auth password) on the subscription URL is what authenticates a delivery.
 */
public final class CloudwatchParser implements AlertParser {

  public static final String SOURCE = "cloudwatch";

  @Override
  public String source() {
    return SOURCE;
  }

  @Override
  public AlertBatch parse(String body) {
    JsonObject envelope = Json.object(body, "an Amazon SNS notification");
    String type = Json.requireString(envelope, "Type", "");
    return switch (type) {
      case "SubscriptionConfirmation" -> AlertBatch.confirm(Json.requireString(envelope, "SubscribeURL", ""));
      case "UnsubscribeConfirmation" -> AlertBatch.nothing("unsubscribe confirmation");
      case "Notification" -> AlertBatch.of(List.of(alarm(envelope)));
      default -> throw new AlertFormatException("Type " + Json.clip(type) + " is not an SNS message type "
          + "(Notification, SubscriptionConfirmation, UnsubscribeConfirmation)");
    };
  }

  private static Alert alarm(JsonObject envelope) {
    String message = Json.requireString(envelope, "Message", "");
    JsonObject alarm;
    try {
      alarm = Json.object(message, "a CloudWatch alarm");
    } catch (AlertFormatException e) {
      throw new AlertFormatException("Message is not a CloudWatch alarm: " + e.getMessage());
    }
    String where = "Message.";
    String name = Json.requireString(alarm, "AlarmName", where);
    String state = Json.requireString(alarm, "NewStateValue", where);
    Alert.Status status;
    Alert.Severity severity;
    switch (state) {
      case "ALARM" -> {
        status = Alert.Status.FIRING;
        severity = Alert.Severity.CRITICAL;
      }
      case "INSUFFICIENT_DATA" -> {
        status = Alert.Status.FIRING;
        severity = Alert.Severity.WARNING;
      }
      case "OK" -> {
        status = Alert.Status.RESOLVED;
        severity = Alert.Severity.INFO;
      }
      default -> throw new AlertFormatException(where + "NewStateValue must be ALARM, OK or INSUFFICIENT_DATA, not "
          + Json.clip(state));
    }
    String arn = Json.string(alarm, "AlarmArn", where);
    String region = Json.string(alarm, "Region", where);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alarmName", name);
    putIfPresent(labels, "state", state);
    putIfPresent(labels, "region", region);
    putIfPresent(labels, "account", Json.string(alarm, "AWSAccountId", where));
    putIfPresent(labels, "topicArn", Json.string(envelope, "TopicArn", ""));
    String reason = Json.string(alarm, "NewStateReason", where);
    String description = Json.string(alarm, "AlarmDescription", where);
    String text = description == null || description.isBlank() ? nullToEmpty(reason)
        : reason == null ? description : description + "\n" + reason;
    List<Alert.Link> links = new ArrayList<>();
    consoleLink(arn, name).ifPresent(links::add);
    Instant changed = Json.instant(alarm, "StateChangeTime", where);
    Instant sent = changed != null ? changed : Json.instant(envelope, "Timestamp", "");
    // The alarm's name alone: a resolved message keeps the summary it fired with, and must not
    // read as if the alarm were still in ALARM or INSUFFICIENT_DATA. The severity and the
    // reason say which state it is in while it fires.
    return new Alert(SOURCE, arn != null && !arn.isBlank() ? arn : name, status, severity,
        name, text, links, labels, status == Alert.Status.FIRING ? sent : null,
        status == Alert.Status.RESOLVED ? sent : null);
  }

  /** The alarm in the CloudWatch console, from the region inside its ARN. */
  private static Optional<Alert.Link> consoleLink(String arn, String name) {
    if (arn == null) {
      return Optional.empty();
    }
    String[] parts = arn.split(":");
    if (parts.length < 4 || parts[3].isBlank()) {
      return Optional.empty();
    }
    String region = parts[3];
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return Optional.of(new Alert.Link("CloudWatch alarm", "https://" + region
        + ".console.aws.amazon.com/cloudwatch/home?region=" + region + "#alarmsV2:alarm/" + encoded));
  }

  private static void putIfPresent(Map<String, String> labels, String key, String value) {
    if (value != null && !value.isBlank()) {
      labels.put(key, value);
    }
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
