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
 * @param failed a rollback whose run ended ROLLBACK_FAILED: the environment may not be on
 *     {@code release}'s version (for one that restored nothing, {@code release} names the version
 *     it tried to restore, and {@code took} runs to when it ended)
 */
public record HistoryEntry(Release release, Duration took, String replacedVersion, boolean failed) {

  /** A release or rollback that went through. */
  public HistoryEntry(Release release, Duration took, String replacedVersion) {
    this(release, took, replacedVersion, false);
  }

  public Optional<Duration> duration() {
    return Optional.ofNullable(took);
  }

  public boolean rollback() {
    return Release.ROLLBACK.equals(release.kind());
  }
}
