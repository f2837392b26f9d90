package dev.preflight.deploy.runner;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.deploy.VerifyResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The canary stage a run is holding, as its deploy state stores it: which stage, its weight, when
 * its hold ends (or how much of it was left when it was paused), whether it waits for a Promote,
 * and the last analysis values. Stored so that a restarted bot, or another replica, holds the
 * same stage for the rest of its hold; read by the run's message.
 *
 * @param stage counted from 0
 * @param deadline when the hold ends; null for a stage without a hold
 * @param pausedAt when the hold was paused, or null while its clock runs
 * @param awaitingPromote the hold ended well and the stage waits for a Promote click
 * @param inconclusive the titles of the analysis checks whose lack of data paused the stage; empty
 *     when it runs, or when a person paused it
 */
public record CanaryStageState(int stage, int stages, int weight, Instant deadline, Instant pausedAt,
    boolean awaitingPromote, Instant analysedAt, List<Analysis> analysis, List<String> inconclusive) {

  static final String STARTED_AT = "startedAt";
  static final String DEADLINE = "deadline";
  static final String PAUSED_AT = "pausedAt";
  /** The ids of the analysis checks that could not decide, when that paused the stage. */
  static final String PAUSED_INCONCLUSIVE = "pausedInconclusive";
  static final String PROMOTED_BY = "promotedBy";
  static final String AWAITING = "awaitingPromote";
  static final String WEIGHT = "canary.weight";
  /** How many stages the rollout has, stored when its first stage begins, so the state reads without the config. */
  static final String STAGES = "canary.stages";
  static final String STAGE_WEIGHT = "weight";
  static final String ANALYSED_AT = "analysis.at";
  static final String ANALYSIS_IDS = "analysis.ids";

  public CanaryStageState {
    analysis = List.copyOf(analysis);
    inconclusive = List.copyOf(inconclusive);
  }

  /**
   * What one analysis check saw in its last round.
   *
   * @param inconclusive the check had no data and left the decision to a person
   */
  public record Analysis(String id, String title, boolean passed, String summary, boolean inconclusive) {

    public Analysis(String id, String title, boolean passed, String summary) {
      this(id, title, passed, summary, false);
    }
  }

  /** The deploy state key of one field of a stage. */
  static String key(int stage, String field) {
    return "stage." + stage + "." + field;
  }

  /** The stage the run holds now: started and not ended; empty when none is. */
  public static Optional<CanaryStageState> of(Deployment d) {
    if (d == null || !d.deployState().containsKey(STAGES)) {
      return Optional.empty();
    }
    Map<String, String> state = d.deployState();
    int stages = Integer.parseInt(state.get(STAGES));
    for (int i = 0; i < stages; i++) {
      if (state.containsKey(key(i, "outcome"))) {
        continue;
      }
      if (!state.containsKey(key(i, STARTED_AT))) {
        return Optional.empty();
      }
      return Optional.of(new CanaryStageState(i, stages, Integer.parseInt(state.get(key(i, STAGE_WEIGHT))),
          instant(state.get(key(i, DEADLINE))), instant(state.get(key(i, PAUSED_AT))),
          state.containsKey(key(i, AWAITING)), instant(state.get(ANALYSED_AT)), analysis(state),
          inconclusive(state, state.get(key(i, PAUSED_INCONCLUSIVE)))));
    }
    return Optional.empty();
  }

  /** The share of traffic on the new version as last set, or empty before the first stage. */
  public static Optional<Integer> weight(Deployment d) {
    String weight = d == null ? null : d.deployState().get(WEIGHT);
    return weight == null ? Optional.empty() : Optional.of(Integer.parseInt(weight));
  }

  public boolean paused() {
    return pausedAt != null;
  }

  /** How much of the hold is left at {@code now}: frozen while paused; null for a stage without a hold. */
  public Duration remaining(Instant now) {
    if (deadline == null) {
      return null;
    }
    Duration left = Duration.between(paused() ? pausedAt : now, deadline);
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** The stage's number as people count, from 1. */
  public int number() {
    return stage + 1;
  }

  /** Whether a deployer already promoted the stage; the stage ends at its next look. */
  public static boolean promoted(Deployment d, int stage) {
    return d.deployState().containsKey(key(stage, PROMOTED_BY));
  }

  /** The deploy state with this stage promoted by {@code by}: its hold ends at once. */
  public Map<String, String> promotedBy(Map<String, String> state, String by) {
    Map<String, String> changed = new LinkedHashMap<>(state);
    changed.put(key(stage, PROMOTED_BY), by);
    return changed;
  }

  /** The deploy state with the hold's clock stopped at {@code now}. */
  public Map<String, String> pausedAt(Map<String, String> state, Instant now) {
    Map<String, String> changed = new LinkedHashMap<>(state);
    changed.put(key(stage, PAUSED_AT), now.toString());
    return changed;
  }

  /** The deploy state with the hold's clock running again: the deadline moves on by the time it was paused. */
  public Map<String, String> resumedAt(Map<String, String> state, Instant now) {
    Map<String, String> changed = new LinkedHashMap<>(state);
    changed.remove(key(stage, PAUSED_AT));
    changed.remove(key(stage, PAUSED_INCONCLUSIVE));
    Duration left = remaining(now);
    if (left != null) {
      changed.put(key(stage, DEADLINE), now.plus(left).toString());
    }
    return changed;
  }

  /** The deploy state entries that store these analysis results as the newest. */
  static Map<String, String> analysisEntries(List<VerifyResult> results, Instant at) {
    Map<String, String> entries = new LinkedHashMap<>();
    entries.put(ANALYSED_AT, at.toString());
    entries.put(ANALYSIS_IDS, String.join(",", results.stream().map(VerifyResult::id).toList()));
    for (VerifyResult result : results) {
      entries.put("analysis." + result.id() + ".title", result.title());
      entries.put("analysis." + result.id() + ".passed", Boolean.toString(result.passed()));
      entries.put("analysis." + result.id() + ".inconclusive", Boolean.toString(result.inconclusive()));
      entries.put("analysis." + result.id() + ".summary",
          result.evidence().summary() == null ? "" : result.evidence().summary());
    }
    return entries;
  }

  private static List<Analysis> analysis(Map<String, String> state) {
    List<Analysis> analysis = new ArrayList<>();
    String ids = state.get(ANALYSIS_IDS);
    if (ids == null || ids.isEmpty()) {
      return analysis;
    }
    for (String id : ids.split(",")) {
      analysis.add(new Analysis(id, state.getOrDefault("analysis." + id + ".title", id),
          Boolean.parseBoolean(state.get("analysis." + id + ".passed")),
          state.getOrDefault("analysis." + id + ".summary", ""),
          Boolean.parseBoolean(state.get("analysis." + id + ".inconclusive"))));
    }
    return analysis;
  }

  /** The titles of the checks {@code ids} names, as the last analysis stored them. */
  private static List<String> inconclusive(Map<String, String> state, String ids) {
    if (ids == null || ids.isEmpty()) {
      return List.of();
    }
    List<String> titles = new ArrayList<>();
    for (String id : ids.split(",")) {
      titles.add(state.getOrDefault("analysis." + id + ".title", id));
    }
    return titles;
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
