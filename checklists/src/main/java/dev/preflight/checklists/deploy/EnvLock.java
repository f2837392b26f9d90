package dev.preflight.checklists.deploy;

import java.time.Instant;

/** An environment closed to deploys until someone unlocks it; a rollback sets one too. */
public record EnvLock(String service, String environment, String reason, String by, Instant at) {}
