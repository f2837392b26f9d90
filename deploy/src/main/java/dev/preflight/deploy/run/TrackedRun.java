package dev.preflight.deploy.run;

import dev.preflight.checklists.run.ChecklistRun;

/**
 * A run as stored: the domain value plus where its one Slack message lives.
 *
 * @param channelId the channel the run's message is (or will be) posted in
 * @param messageTs the message's timestamp, or null until it has been posted
 */
public record TrackedRun(ChecklistRun run, String channelId, String messageTs) {

  public String id() {
    return run.id();
  }

  public boolean posted() {
    return messageTs != null;
  }
}
