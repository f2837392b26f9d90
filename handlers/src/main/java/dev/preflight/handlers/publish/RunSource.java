package dev.preflight.handlers.publish;

import dev.preflight.deploy.watch.WatchState;
import dev.preflight.deploy.watch.Watches;
import dev.preflight.checklists.deploy.EnvLock;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.RunNote;
import dev.preflight.deploy.run.RunPublications;
import dev.preflight.deploy.run.TrackedRun;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The little the publisher needs from the run services: their announcements, the run as
 * stored, where its message went, and its environment's lock; and from {@link RunPublications},
 * which state each message last showed. Tests stand in for the services here, since this module
 * has no database of its own to run them on.
 */
interface RunSource {

  void onChange(Consumer<TrackedRun> listener);

  void onNote(Consumer<RunNote> listener);

  Future<TrackedRun> find(String runId);

  Future<Void> attachMessage(String runId, String channelId, String messageTs);

  Future<Optional<EnvLock>> lockOf(String service, String environment);

  /** The run's post-deploy watch, if it has one. */
  Future<Optional<WatchState>> watchOf(String runId);

  /** The run's state version now; see {@link RunPublications#version}. */
  Future<Long> version(String runId);

  /** The run's message now shows {@code version}. */
  Future<Void> shown(String runId, long version);

  /** The run's message now shows {@code version}, with or without Rollback on it. */
  default Future<Void> shown(String runId, long version, boolean offersRollback) {
    return shown(runId, version);
  }

  /** Whether the run is its environment's newest launched run; see {@link RunPublications#newestLaunched}. */
  default Future<Boolean> newestLaunched(String runId) {
    return Future.succeededFuture(true);
  }

  /** Older runs of the environment whose message still offers Rollback; see {@link RunPublications#olderOfferingRollback}. */
  default Future<List<String>> olderOfferingRollback(String runId) {
    return Future.succeededFuture(List.of());
  }

  /** A first post is about to start; answers when the earliest such attempt began. */
  Future<Instant> intendToPost(String runId);

  /** When an earlier first post began, if its message may exist without its ts stored. */
  Future<Optional<Instant>> postingSince(String runId);

  /** Claims runs whose message is behind their stored state; see {@link RunPublications#claimBehind}. */
  Future<List<String>> claimBehind(String owner, Duration hold, int limit);

  static RunSource of(ChecklistRuns runs, DeployRuns deploys, Watches watches, RunPublications publications) {
    return new RunSource() {
      @Override
      public Future<Long> version(String runId) {
        return publications.version(runId);
      }

      @Override
      public Future<Void> shown(String runId, long version) {
        return publications.shown(runId, version);
      }

      @Override
      public Future<Void> shown(String runId, long version, boolean offersRollback) {
        return publications.shown(runId, version, offersRollback);
      }

      @Override
      public Future<Boolean> newestLaunched(String runId) {
        return publications.newestLaunched(runId);
      }

      @Override
      public Future<List<String>> olderOfferingRollback(String runId) {
        return publications.olderOfferingRollback(runId);
      }

      @Override
      public Future<Instant> intendToPost(String runId) {
        return publications.intendToPost(runId);
      }

      @Override
      public Future<Optional<Instant>> postingSince(String runId) {
        return publications.postingSince(runId);
      }

      @Override
      public Future<List<String>> claimBehind(String owner, Duration hold, int limit) {
        return publications.claimBehind(owner, hold, limit);
      }

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
