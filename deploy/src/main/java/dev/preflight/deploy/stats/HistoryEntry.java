package dev.preflight.deploy.stats;

import dev.preflight.checklists.deploy.Release;
import java.time.Duration;
import java.util.Optional;

/**
 * One line of an environment's history: a release or rollback, with how long it took.
 *
 * @param took for a deploy, launch to release; for a rollback, its start to the release it
 *     restored; null when the release has no run on record
 * @param replacedVersion for a rollback, the version rolled back from; otherwise null
 */
public record HistoryEntry(Release release, Duration took, String replacedVersion) {

  public Optional<Duration> duration() {
    return Optional.ofNullable(took);
  }

  public boolean rollback() {
    return Release.ROLLBACK.equals(release.kind());
  }
}
