package dev.preflight.deploy.stats;

import dev.preflight.deploy.run.TrackedRun;

/**
 * A run waiting for one particular person: their sign-off would count now.
 *
 * @param role the role their sign-off would count for
 */
public record PendingSignOff(TrackedRun run, String role) {}
