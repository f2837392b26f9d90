package dev.preflight.checklists.run;

import java.util.List;

/**
 * Whether a run may go on, and if not, what is missing.
 *
 * @param done items passed or waived
 * @param total all items
 * @param openBlockers ids of blockers not yet passed or waived
 * @param missingSignOffs sign-off requirements not yet met
 */
public record GateStatus(int done, int total, List<String> openBlockers, List<MissingSignOff> missingSignOffs) {

  public GateStatus {
    openBlockers = List.copyOf(openBlockers);
    missingSignOffs = List.copyOf(missingSignOffs);
  }

  public boolean passed() {
    return openBlockers.isEmpty() && missingSignOffs.isEmpty();
  }

  public record MissingSignOff(String role, int have, int need) {}
}
