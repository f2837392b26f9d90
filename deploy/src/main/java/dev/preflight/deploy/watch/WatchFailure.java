package dev.preflight.deploy.watch;

import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.deploy.run.TrackedRun;
import java.time.Instant;
import java.util.List;

/**
 * A watched deploy stopped passing its verification. Announced once per failing streak, so a
 * listener can alert without repeating itself every pass.
 *
 * @param run the watched run as stored, with its message's place
 * @param results everything the failing pass saw, passed checks included
 * @param at when the pass was recorded
 */
public record WatchFailure(TrackedRun run, List<VerifyResult> results, Instant at) {

  public WatchFailure {
    results = List.copyOf(results);
  }

  /** The checks that failed, in the order they ran. */
  public List<VerifyResult> failed() {
    return results.stream().filter(result -> !result.passed()).toList();
  }
}
