package dev.preflight.handlers.publish;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.deploy.watch.WatchState;
import dev.preflight.deploy.watch.Watches;
import dev.preflight.handlers.render.MessageContent;
import dev.preflight.handlers.render.RunMessage;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each run's one message current, and its thread fed. Changes are coalesced per run, and
 * every edit renders the run as stored at that moment (a deploy run with its environment's
 * lock), so a burst of results becomes a few edits and the last edit always shows the final
 * state. The first publish posts the message and remembers it; notes wait for it and then go
 * into its thread in the order they came.
 */
public final class RunPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(RunPublisher.class);

  private final RunSource source;
  private final SlackApi slack;
  private final Coalescer coalescer;
  private final String reactionName;
  private final Clock clock;
  private final ThreadNotes notes;

  /** @param watches the post-deploy watches, whose state a succeeded run's message shows */
  public RunPublisher(ChecklistRuns runs, DeployRuns deploys, Watches watches, SlackApi slack, Coalescer coalescer,
      String reactionName) {
    this(RunSource.of(runs, deploys, watches), slack, coalescer, reactionName, Clock.systemUTC());
  }

  RunPublisher(RunSource source, SlackApi slack, Coalescer coalescer, String reactionName, Clock clock) {
    this.source = source;
    this.slack = slack;
    this.coalescer = coalescer;
    this.reactionName = reactionName;
    this.clock = clock;
    this.notes = new ThreadNotes(slack, source::find);
  }

  /** Subscribes to the run services; from then on every change and every note is published. */
  public RunPublisher start() {
    source.onChange(this::changed);
    source.onNote(this::noted);
    return this;
  }

  public void changed(TrackedRun tracked) {
    coalescer.request(tracked.id(), () -> publish(tracked.id()));
  }

  /** Posts a note into its run's thread, once the run's message exists. */
  public Future<Void> noted(RunNote note) {
    return notes.add(note);
  }

  private Future<Void> publish(String runId) {
    return source.find(runId)
        .compose(tracked -> render(tracked).compose(content -> send(tracked, content)))
        .onFailure(e -> LOG.warn("Publishing run {} failed: {}", runId, e.getMessage()));
  }

  private Future<MessageContent> render(TrackedRun tracked) {
    Deployment deployment = tracked.deployment();
    Future<Optional<EnvLock>> lock = deployment == null
        ? Future.succeededFuture(Optional.empty())
        : source.lockOf(deployment.service(), deployment.environment()).recover(e -> {
          // The deploy's state matters more than the lock line; the next change shows it again.
          LOG.warn("Lock of {}/{} unknown, run {} shown without it: {}", deployment.service(),
              deployment.environment(), tracked.id(), e.getMessage());
          return Future.succeededFuture(Optional.empty());
        });
    // Only a succeeded run shows its watch; other edits (each rollout tick) skip the lookup.
    Future<Optional<WatchState>> watch = deployment == null || tracked.run().status() != RunStatus.SUCCEEDED
        ? Future.succeededFuture(Optional.empty())
        : source.watchOf(tracked.id()).otherwise(Optional.empty());
    return Future.all(lock, watch).map(both -> WatchLine.mark(
        RunMessage.render(tracked, lock.result(), reactionName, clock.instant()), watch.result(), tracked));
  }

  private Future<Void> send(TrackedRun tracked, MessageContent content) {
    if (tracked.posted()) {
      notes.posted(tracked.id(), tracked.channelId(), tracked.messageTs());
      return slack.update(tracked.channelId(), tracked.messageTs(), content.text(), content.blocks());
    }
    // Notes are released once the run knows its message, so one that looks it up meanwhile cannot miss it.
    return slack.postMessage(tracked.channelId(), content.text(), content.blocks())
        .compose(ts -> source.attachMessage(tracked.id(), tracked.channelId(), ts)
            .andThen(attached -> notes.posted(tracked.id(), tracked.channelId(), ts)))
        .onFailure(e -> slack.postEphemeral(tracked.channelId(), tracked.run().startedBy(),
                "I could not post the run's message in <#" + tracked.channelId() + ">: " + e.getMessage()
                    + ". If I am not in that channel, invite me with `/invite @Preflight`.")
            .onFailure(again -> LOG.warn("Could not tell {} either: {}", tracked.run().startedBy(),
                again.getMessage())));
  }
}
