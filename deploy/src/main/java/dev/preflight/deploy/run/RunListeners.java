package dev.preflight.deploy.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who hears about a committed change to a run, and what this process remembers of the runs it
 * announced: which message belongs to which run and which channel a run posts in, so a reaction
 * or an answer still finds its run while the database does not answer.
 */
final class RunListeners {

  private static final Logger LOG = LoggerFactory.getLogger(RunListeners.class);
  /** Runs whose message this process has seen, kept so a reaction can be placed while the database is away. */
  private static final int REMEMBERED_RUNS = 10_000;

  private final List<Consumer<TrackedRun>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, String> runOfMessage = bounded();
  private final Map<String, String> channelOfRun = bounded();

  /** Called after every committed change, on the event loop; listeners must not block. */
  void add(Consumer<TrackedRun> listener) {
    listeners.add(listener);
  }

  /** Tells every listener about a committed change; a listener that throws does not stop the others. */
  void announce(TrackedRun tracked) {
    remember(tracked);
    for (Consumer<TrackedRun> listener : listeners) {
      RunMdc.Scope scope = RunMdc.enter(tracked);
      try {
        listener.accept(tracked);
      } catch (RuntimeException e) {
        LOG.error("A run listener failed for run {}", tracked.id(), e);
      } finally {
        scope.close();
      }
    }
  }

  void remember(TrackedRun tracked) {
    remember(tracked.id(), tracked.channelId(), tracked.messageTs());
  }

  void remember(String runId, String channelId, String messageTs) {
    if (channelId != null) {
      channelOfRun.put(runId, channelId);
      if (messageTs != null) {
        runOfMessage.put(channelId + "/" + messageTs, runId);
      }
    }
  }

  /** The run whose message this is, as last seen by this process. */
  Optional<String> knownRunOf(String channelId, String messageTs) {
    return Optional.ofNullable(runOfMessage.get(channelId + "/" + messageTs));
  }

  /** The channel of a run's message, as last seen by this process. */
  Optional<String> knownChannelOf(String runId) {
    return Optional.ofNullable(channelOfRun.get(runId));
  }

  private static Map<String, String> bounded() {
    return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > REMEMBERED_RUNS;
      }
    });
  }
}
