package dev.preflight.handlers.publish;

import dev.preflight.deploy.watch.WatchState;
import dev.preflight.deploy.watch.Watches;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The little the publisher needs from the run services: their announcements, the run as
 * stored, where its message went, and its environment's lock. Tests stand in for the services
 * here, since this module has no database of its own to run them on.
 */
interface RunSource {

  void onChange(Consumer<TrackedRun> listener);

  void onNote(Consumer<RunNote> listener);

  Future<TrackedRun> find(String runId);

  Future<Void> attachMessage(String runId, String channelId, String messageTs);

  Future<Optional<EnvLock>> lockOf(String service, String environment);

  /** The run's post-deploy watch, if it has one. */
  Future<Optional<WatchState>> watchOf(String runId);

  static RunSource of(ChecklistRuns runs, DeployRuns deploys, Watches watches) {
    return new RunSource() {
      @Override
      public Future<Optional<WatchState>> watchOf(String runId) {
        return watches.find(runId);
      }

      @Override
      public void onChange(Consumer<TrackedRun> listener) {
        runs.onChange(listener);
      }

      @Override
      public void onNote(Consumer<RunNote> listener) {
        deploys.onNote(listener);
      }

      @Override
      public Future<TrackedRun> find(String runId) {
        return runs.find(runId);
      }

      @Override
      public Future<Void> attachMessage(String runId, String channelId, String messageTs) {
        return runs.attachMessage(runId, channelId, messageTs);
      }

      @Override
      public Future<Optional<EnvLock>> lockOf(String service, String environment) {
        return deploys.lockOf(service, environment);
      }
    };
  }
}
