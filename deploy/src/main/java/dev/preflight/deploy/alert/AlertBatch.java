package dev.preflight.deploy.alert;

import java.util.List;

/**
 * What one webhook delivery carried: alerts to post, or (Amazon SNS only) a subscription that
 * must be confirmed by visiting {@code subscribeUrl} before any alert arrives.
 *
 * @param subscribeUrl the URL to GET to confirm an SNS subscription, or null
 * @param note why a delivery carries nothing to post (an SNS unsubscribe, a Sentry assignment), or null
 */
public record AlertBatch(List<Alert> alerts, String subscribeUrl, String note) {

  public AlertBatch {
    alerts = List.copyOf(alerts);
  }

  public static AlertBatch of(List<Alert> alerts) {
    return new AlertBatch(alerts, null, null);
  }

  public static AlertBatch confirm(String subscribeUrl) {
    return new AlertBatch(List.of(), subscribeUrl, "subscription confirmation");
  }

  public static AlertBatch nothing(String note) {
    return new AlertBatch(List.of(), null, note);
  }
}
