package dev.preflight.checklists.run;

import java.time.Instant;

/** A person's sign-off for one role. */
public record SignOff(String user, String role, Instant at) {}
