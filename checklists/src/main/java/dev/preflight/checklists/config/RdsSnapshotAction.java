package dev.preflight.checklists.config;

import java.time.Duration;

/**
 * A manual snapshot of an RDS instance, followed until it is available.
 *
 * @param snapshot the snapshot's name with placeholders, e.g. {@code pre-{version}-{time}};
 *     characters a snapshot name may not hold become {@code -}
 * @param region the AWS region, or null for the default
 */
public record RdsSnapshotAction(String name, String dbInstance, String snapshot, String region, Duration timeout)
    implements ActionSpec {

  public static final String KIND = "rds-snapshot";

  @Override
  public String kind() {
    return KIND;
  }
}
