package dev.preflight.handlers.publish;

import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TrackedRun;
import dev.preflight.handlers.slack.SlackApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts notes into their run's thread, one run's notes strictly in the order they came. A note
 * can arrive before the run's message exists (a deploy fails in its first second, before Slack
 * answered the first post); it then waits, and goes out as soon as the message is posted.
 *
 * <p>Each run with notes in flight has a chain: every note waits for the one before it and for
 * the message's place. A run is forgotten once its chain is idle; its next note looks the
 * message up again. Safe to call from any thread.
 */
final class ThreadNotes {

  private static final Logger LOG = LoggerFactory.getLogger(ThreadNotes.class);

  /** Where a run's message is, and so its thread. */
  record Place(String channelId, String messageTs) {}

  private static final class RunThread {
    final Promise<Place> place = Promise.promise();
    Future<Void> tail = Future.succeededFuture();
  }

  private final SlackApi slack;
  private final Function<String, Future<TrackedRun>> find;
  // Guarded by this.
  private final Map<String, RunThread> threads = new HashMap<>();

  ThreadNotes(SlackApi slack, Function<String, Future<TrackedRun>> find) {
    this.slack = slack;
    this.find = find;
  }

  /** Queues a note behind the run's earlier ones; completes when it is posted or given up on. */
  Future<Void> add(RunNote note) {
    List<String> parts = NoteParts.split(NoteText.of(note));
    if (parts.isEmpty()) {
      return Future.succeededFuture();
    }
    String runId = note.runId();
    RunThread thread;
    boolean fresh;
    Future<Void> posted;
    synchronized (this) {
      thread = threads.get(runId);
      fresh = thread == null;
      if (fresh) {
        thread = new RunThread();
        threads.put(runId, thread);
      }
      Promise<Place> place = thread.place;
      // A failed note must not hold back the ones after it, hence transform, not compose.
      posted = thread.tail.transform(previous -> place.future().compose(at -> post(runId, at, parts)));
      thread.tail = posted;
    }
    RunThread mine = thread;
    posted.onComplete(done -> forgetIfIdle(runId, mine, posted));
    if (fresh) {
      locate(runId);
    }
    return posted;
  }

  /** Tells waiting notes where the run's message is; called whenever it is posted or edited. */
  void posted(String runId, String channelId, String messageTs) {
    RunThread thread;
    synchronized (this) {
      thread = threads.get(runId);
    }
    if (thread != null) {
      thread.place.tryComplete(new Place(channelId, messageTs));
    }
  }

  private void locate(String runId) {
    find.apply(runId)
        .onSuccess(tracked -> {
          if (tracked.posted()) {
            posted(runId, tracked.channelId(), tracked.messageTs());
          }
        })
        // The message's first post will still release them.
        .onFailure(e -> LOG.warn("Notes for run {} wait for its message: {}", runId, e.getMessage()));
  }

  private Future<Void> post(String runId, Place at, List<String> parts) {
    Future<Void> chain = Future.succeededFuture();
    for (String part : parts) {
      chain = chain.compose(v -> slack.postReply(at.channelId(), at.messageTs(), part).mapEmpty());
    }
    return chain.onFailure(e -> LOG.warn("A note for run {} was not posted in its thread: {}", runId, e.getMessage()));
  }

  private synchronized void forgetIfIdle(String runId, RunThread thread, Future<Void> posted) {
    if (thread.tail == posted && threads.get(runId) == thread) {
      threads.remove(runId);
    }
  }
}
