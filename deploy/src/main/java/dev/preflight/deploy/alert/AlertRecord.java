package dev.preflight.deploy.alert;

import java.time.Instant;
import java.util.List;

/**
 * An alert as stored: where its message is and its history so far.
 *
 * @param messageTs the Slack message's ts, or null while the first post is in flight
 * @param firstSeen when it started firing: the sender's start time when {@link Alert#began} believes
 *     it, else when Preflight first received it
 * @param count how many times it fired since it was first seen (or last reopened)
 * @param resolvedAt when the source said it was resolved, or null while it fires
 * @param description the latest delivery's description, so the message can be drawn without it
 * @param links the latest delivery's links
 * @param rollback the rollback someone started from the message, or null
 */
public record AlertRecord(String source, String groupKey, String service, String environment, String channel,
    String messageTs, Alert.Status status, Alert.Severity severity, String summary, int count, Instant firstSeen,
    Instant lastSeen, Instant resolvedAt, String description, List<Alert.Link> links, AlertRollback rollback) {

  public AlertRecord {
    description = description == null ? "" : description;
    links = links == null ? List.of() : List.copyOf(links);
  }

  public boolean posted() {
    return messageTs != null;
  }
}
