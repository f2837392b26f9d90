package dev.preflight.deploy.run;

/**
 * Longer text about a run that belongs in its thread rather than its message: a command's
 * last lines of output, why a rollout failed, what a failed check saw. Already masked.
 */
public record RunNote(String runId, String text) {}
