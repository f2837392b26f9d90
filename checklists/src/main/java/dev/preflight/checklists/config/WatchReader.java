package dev.preflight.checklists.config;

import dev.preflight.checklists.deploy.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads an environment's {@code watch:}, the checks kept running for a while after a deploy. */
final class WatchReader {

  /**
   * The shortest pause between two rounds: a watch calls the live service, and a round of smoke
   * tests may itself take several seconds.
   */
  static final Duration SHORTEST_EVERY = Duration.ofSeconds(10);
  static final String HINT = "write watch: { every: 5m, for: 4h }";
  private static final List<String> KEYS = List.of("every", "for");

  private WatchReader() {}

  /**
   * @param deploys whether the environment has a target, since a watch starts after a deploy
   * @param verifies whether the environment lists any verify check, since those are what a watch runs
   */
  static Optional<Watch> read(Value value, boolean deploys, boolean verifies) {
    Optional<Mapping> fields = value.mapping();
    if (fields.isEmpty()) {
      return Optional.empty();
    }
    fields.get().allow(KEYS);
    if (!verifies) {
      value.error("nothing to run: the environment has no verify checks",
          "a watch runs verify's health checks and smoke tests again: add verify: { health: [...], smoke: [...] }");
    }
    if (!deploys) {
      value.error("never starts: the environment has no target",
          "a watch starts after a successful deploy: add a target, or leave watch out");
    }
    Optional<Duration> every = fields.get().require("every", "write every: 5m").flatMap(WatchReader::every);
    Optional<Duration> span = fields.get().require("for", "write for: 4h").flatMap(v -> span(v, every));
    if (every.isEmpty() || span.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Watch(every.get(), span.get()));
  }

  private static Optional<Duration> every(Value value) {
    return value.duration(any -> true, null).filter(every -> {
      boolean fine = every.compareTo(SHORTEST_EVERY) >= 0;
      if (!fine) {
        value.error("must be at least " + Durations.format(SHORTEST_EVERY) + ", not " + Durations.format(every));
      }
      return fine;
    });
  }

  /** At least one round: as long as {@code every}, when that could be read, and longer than 0 in any case. */
  private static Optional<Duration> span(Value value, Optional<Duration> every) {
    return value.duration(any -> true, null).filter(span -> {
      if (every.isPresent() && span.compareTo(every.get()) < 0) {
        value.error("must be at least as long as every (" + Durations.format(every.get()) + "), not " + Durations.format(span));
        return false;
      }
      if (span.isZero()) {
        value.error("must be longer than 0");
        return false;
      }
      return true;
    });
  }
}
