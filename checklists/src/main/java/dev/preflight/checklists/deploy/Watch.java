package dev.preflight.checklists.deploy;

import java.time.Duration;

/**
 * How a successful deploy is kept under watch: its health checks and smoke tests run again
 * every {@code every} for {@code span} after it succeeded (seed 004: every 5 minutes for 4 hours).
 */
public record Watch(Duration every, Duration span) {}
