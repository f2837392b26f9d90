package dev.preflight.deploy.watch;

import io.vertx.core.Future;
import java.util.function.Consumer;

/** What the watch tells whoever raises its alerts, and where it keeps an alert's place. */
public interface WatchEvents {

  /** Called once per failing streak of a watch, on the event loop; listeners must not block. */
  void onFailure(Consumer<WatchFailure> listener);

  /** Called once when a watch passes again after a failing streak, on the event loop; listeners must not block. */
  void onRecovery(Consumer<WatchRecovery> listener);

  /** Remembers where a streak's alert was posted, so its recovery answers in that alert's thread. */
  Future<Void> alertPosted(String runId, String channel, String ts);
}
