package dev.preflight.deploy.watch;

/**
 * A round of a watch was recorded, passing or failing; announced for every round, so whatever
 * shows the watch (the run's message) can show the latest round.
 *
 * @param watch the watch after the round
 */
public record WatchRound(WatchState watch) {

  public String runId() {
    return watch.runId();
  }

  public boolean passed() {
    return watch.failures() == 0;
  }
}
