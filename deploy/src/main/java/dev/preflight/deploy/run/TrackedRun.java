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
 * @param checklistGone the run's checklist is no longer in the config: {@code run} holds a
 *     stand-in built from what is stored (item ids for titles, no sign-off rule), good for showing
 *     and reporting the run, and the repository refuses every change to it
 */
public record TrackedRun(ChecklistRun run, String channelId, String messageTs, Deployment deployment,
    boolean checklistGone) {

  public TrackedRun(ChecklistRun run, String channelId, String messageTs, Deployment deployment) {
    this(run, channelId, messageTs, deployment, false);
  }

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
    return new TrackedRun(changed, channelId, messageTs, deployment, checklistGone);
  }

  public TrackedRun with(Deployment changed) {
    return new TrackedRun(run, channelId, messageTs, changed, checklistGone);
  }
}
