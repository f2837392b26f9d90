package dev.preflight.deploy.watch;

import dev.preflight.deploy.run.TrackedRun;

/**
 * A watched deploy passes again after a failing streak that was announced. Announced once per
 * streak, so a listener can resolve the streak's alert.
 *
 * @param run the watched run as stored, with its message's place
 * @param watch the watch after the passing round: where the streak's alert went, when it was due
 * @param failedInARow how many rounds the streak lasted
 */
public record WatchRecovery(TrackedRun run, WatchState watch, int failedInARow) {}
