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
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.chat.ChatUpdateResponse;
import com.slack.api.model.Message;
import dev.preflight.deploy.run.RunPublications;
import dev.preflight.handlers.slack.Coalescer;
import dev.preflight.handlers.slack.SlackApi;
import dev.preflight.handlers.slack.SlackBudget;
import dev.preflight.handlers.slack.SlackCall;
import dev.preflight.handlers.slack.SlackCallException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each run's one message current, and its thread fed. Changes are coalesced per run (at
 * most one edit of a message a second), and every edit renders the run as stored at the moment
 * its turn in Slack's budget comes, so a burst of results becomes a few edits and the last edit
 * always shows the final state. Final states and first posts go before intermediate progress.
 *
 * <p>Every edit records the run's state version it showed ({@link RunSource#shown}); a message
 * left behind by a Slack outage is republished by the {@link Reconciler}.
 *
 * <p>The first post is one recoverable step: its intent is recorded before it is sent, the
 * message carries the run's id in its metadata, and a post that may have reached Slack without
 * its ts being stored is looked up in the channel before anything is posted again. Notes wait for
 * the message and then go into its thread in the order they came.
 */
public final class RunPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(RunPublisher.class);

  /** The metadata every run message carries, so it can be found again by its run's id. */
  static final String METADATA_TYPE = "preflight_run";
  static final String METADATA_RUN_ID = "run_id";
  // A lookup starts a little before the first attempt: clocks of Slack and the database differ.
  private static final Duration LOOKUP_MARGIN = Duration.ofMinutes(1);

  private final RunSource source;
  private final SlackApi slack;
  private final Coalescer coalescer;
  private final String reactionName;
  private final Clock clock;
  private final ThreadNotes notes;
  /** Set as the bot stops: the pool closes right after the last edits, so nothing new is looked up. */
  private volatile boolean stopping;

  /** @param watches the post-deploy watches, whose state a succeeded run's message shows */
  public RunPublisher(ChecklistRuns runs, DeployRuns deploys, Watches watches, RunPublications publications,
      SlackApi slack, Coalescer coalescer, String reactionName) {
    this(RunSource.of(runs, deploys, watches, publications), slack, coalescer, reactionName, Clock.systemUTC());
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
    republish(tracked.id());
  }

  /** Publishes the run as it is stored now, after what is already under way for it. */
  public void republish(String runId) {
    coalescer.request(runId, () -> publish(runId));
  }

  /** Posts a note into its run's thread, once the run's message exists. */
  public Future<Void> noted(RunNote note) {
    return notes.add(note);
  }

  /** Completes once every change asked for so far has been published or given up on. */
  public Future<Void> flush() {
    return coalescer.drain();
  }

  /**
   * As the bot stops: the edits still pending go out, but older runs' messages are no longer
   * looked up for retiring their Rollback (the database pool closes next; whichever replica
   * publishes the environment's next change retires them). Completes as {@link #flush} does.
   */
  public Future<Void> stop() {
    stopping = true;
    return flush();
  }

  RunSource source() {
    return source;
  }

  private Future<Void> publish(String runId) {
    return source.find(runId)
        .compose(tracked -> (tracked.posted() ? edit(tracked) : postFirst(tracked))
            .eventually(() -> retireOlderRollbacks(tracked)))
        .onFailure(e -> LOG.warn("Publishing run {} failed: {}", runId, e.getMessage()));
  }

  /**
   * Once a run has launched, the older runs of its environment are no longer where a rollback
   * starts: their messages that still offer Rollback are published again without it.
   */
  private Future<Void> retireOlderRollbacks(TrackedRun tracked) {
    if (stopping || tracked.deployment() == null || !tracked.deployment().launched()) {
      return Future.succeededFuture();
    }
    // Part of the publish, so a flush waits for it rather than letting the pool close under it.
    return source.olderOfferingRollback(tracked.id())
        .onSuccess(older -> older.forEach(this::republish))
        .onFailure(e -> LOG.warn("Older runs of run {}'s environment not looked up: {}", tracked.id(),
            e.getMessage()))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private static SlackBudget.Priority priorityOf(TrackedRun tracked) {
    return tracked.run().status().active() ? SlackBudget.Priority.PROGRESS : SlackBudget.Priority.FINAL;
  }

  private Future<Void> edit(TrackedRun tracked) {
    String runId = tracked.id();
    notes.posted(runId, tracked.channelId(), tracked.messageTs());
    long[] version = {-1};
    boolean[] rollback = {false};
    return slack.prepared("chat.update", tracked.channelId(), priorityOf(tracked), slack.policy(),
            () -> source.version(runId).compose(v -> {
              version[0] = v;
              return source.find(runId);
            }).compose(latest -> render(latest).map(content -> {
              rollback[0] = RollbackOffer.offered(content);
              return (SlackCall<ChatUpdateResponse>) m -> m.chatUpdate(
                r -> r.channel(latest.channelId()).ts(latest.messageTs()).text(content.text())
                    .blocks(content.blocks()));
            })))
        .transform(done -> settle(runId, version[0], rollback[0], done));
  }

  /**
   * Records what the message shows now: the version just published, or, when Slack refused it
   * for good (the message or channel is gone), that version too, so it is not tried again until
   * the run changes. A failure that may pass leaves the message behind for the reconciler.
   */
  private Future<Void> settle(String runId, long version, boolean offersRollback, AsyncResult<?> done) {
    if (done.succeeded() || (done.cause() instanceof SlackCallException refused && !refused.retryable())) {
      Future<Void> recorded = version < 0 ? Future.succeededFuture() : source.shown(runId, version, offersRollback);
      return done.succeeded() ? recorded : recorded.transform(v -> Future.failedFuture(done.cause()));
    }
    return Future.failedFuture(done.cause());
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
    // Rollback stays only on the environment's newest launched run; older ones would be refused.
    Future<Boolean> newest = !RollbackOffer.possible(tracked) ? Future.succeededFuture(true)
        : source.newestLaunched(tracked.id()).otherwise(true);
    return Future.all(lock, watch, newest).map(all -> {
      MessageContent content = WatchLine.mark(
          RunMessage.render(tracked, lock.result(), reactionName, clock.instant()), watch.result(), tracked);
      return newest.result() ? content : RollbackOffer.withoutRollback(content);
    });
  }

  /**
   * The run's first post, or finding it: a message an earlier attempt posted (its answer lost,
   * or the process gone before its ts was stored) is looked up by the run's id in its metadata
   * and adopted; only when there is none is the message posted.
   */
  private Future<Void> postFirst(TrackedRun tracked) {
    return source.postingSince(tracked.id())
        .compose(since -> since.isEmpty() ? Future.succeededFuture(Optional.<String>empty())
            : slack.findTagged(tracked.channelId(), since.get().minus(LOOKUP_MARGIN), METADATA_TYPE, METADATA_RUN_ID,
                tracked.id()).recover(e -> lookupRefused(tracked, e)))
        .compose(found -> found.isPresent() ? adopt(tracked, found.get()) : post(tracked));
  }

  /**
   * A lookup Slack refuses for good (the app lacks {@code channels:history}) cannot tell; the
   * run then gets a message, at the risk of a second one, rather than none. A lookup that may
   * work later fails, and the reconciler tries again.
   */
  private Future<Optional<String>> lookupRefused(TrackedRun tracked, Throwable e) {
    if (e instanceof SlackCallException refused && !refused.retryable()) {
      LOG.warn("Could not look for run {}'s earlier message ({}); posting it again", tracked.id(), refused.error());
      return Future.succeededFuture(Optional.empty());
    }
    return Future.failedFuture(e);
  }

  private Future<Void> adopt(TrackedRun tracked, String ts) {
    LOG.info("Run {} was posted before its message was recorded; using that message ({})", tracked.id(), ts);
    return attach(tracked, ts)
        .compose(v -> edit(new TrackedRun(tracked.run(), tracked.channelId(), ts, tracked.deployment())));
  }

  private Future<Void> post(TrackedRun tracked) {
    String runId = tracked.id();
    Message.Metadata metadata = new Message.Metadata(METADATA_TYPE, Map.of(METADATA_RUN_ID, runId));
    long[] version = {-1};
    boolean[] rollback = {false};
    // One attempt: a retry whose first answer was lost would post twice. The intent stays
    // recorded, so the next try (the reconciler's) looks the message up first.
    return source.intendToPost(runId)
        .compose(since -> slack.prepared("chat.postMessage", tracked.channelId(), SlackBudget.Priority.FINAL,
            slack.policy().once(), () -> source.version(runId).compose(v -> {
              version[0] = v;
              return source.find(runId);
            }).compose(latest -> render(latest).map(content -> {
              rollback[0] = RollbackOffer.offered(content);
              return (SlackCall<ChatPostMessageResponse>) m -> m.chatPostMessage(r -> r.channel(latest.channelId())
                  .text(content.text()).blocks(content.blocks()).metadata(metadata));
            }))))
        .compose(posted -> attach(tracked, posted.getTs()))
        .transform(done -> settle(runId, version[0], rollback[0], done))
        .onFailure(e -> tellStarterIfRefused(tracked, e));
  }

  // Notes are released once the run knows its message, so one that looks it up meanwhile cannot miss it.
  private Future<Void> attach(TrackedRun tracked, String ts) {
    return source.attachMessage(tracked.id(), tracked.channelId(), ts)
        .andThen(attached -> notes.posted(tracked.id(), tracked.channelId(), ts));
  }

  private void tellStarterIfRefused(TrackedRun tracked, Throwable e) {
    if (!(e instanceof SlackCallException refused) || refused.retryable()) {
      return; // Slack is down or slow: the reconciler posts it later, nobody can act on this now
    }
    // A direct message: an ephemeral in the channel Slack just refused would be refused too.
    slack.directMessage(tracked.run().startedBy(),
            "I could not post the run's message in <#" + tracked.channelId() + ">: " + e.getMessage()
                + ". If I am not in that channel, invite me with `/invite @Preflight`.")
        .onFailure(again -> LOG.warn("Could not tell {} either: {}", tracked.run().startedBy(), again.getMessage()));
  }
}
