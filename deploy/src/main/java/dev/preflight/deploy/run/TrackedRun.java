package dev.preflight.deploy.run;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.ChecklistRun;
import java.util.Optional;

/**
 * A run as stored: the domain value plus where its one Slack message lives.
 *
 * @param channelId the channel the run's message is (or will be) posted in
 * @param messageTs the message's timestamp, or null until it has been posted
 * @param deployment the deploy half of a deploy run; null for a checklist run
 */
public record TrackedRun(ChecklistRun run, String channelId, String messageTs, Deployment deployment) {

  public TrackedRun(ChecklistRun run, String channelId, String messageTs) {
    this(run, channelId, messageTs, null);
  }

  public String id() {
    return run.id();
  }

  public boolean posted() {
    return messageTs != null;
  }

  public Optional<Deployment> deploy() {
    return Optional.ofNullable(deployment);
  }

  public TrackedRun with(ChecklistRun changed) {
    return new TrackedRun(changed, channelId, messageTs, deployment);
  }

  public TrackedRun with(Deployment changed) {
    return new TrackedRun(run, channelId, messageTs, changed);
  }
}
