package dev.preflight.deploy.check;

import dev.preflight.checklists.analysis.Judgement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a metric check needs to know about the run it judges, and where it leaves its verdict.
 *
 * <p>For a caller such as a canary stage: build one per check run with the run's id and the time
 * its deploy started ({@code Deployment.launchedAt}), call {@link CheckRunner#analyse}, and read
 * the {@link dev.preflight.checklists.analysis.Verdict} from the result. A baseline condition
 * measures the window before {@code deployStarted} once per run and check, stores it with the
 * run ({@link BaselineStore}), and reads it back from then on, so a restart does not move it.
 * Verification and the watch carry the same two values to the checks as the placeholders
 * {@code {run.id}} and {@code {run.launchedAt}} ({@link #placeholders}).
 *
 * @param runId the run the baseline is kept for, or null: then it is measured on every attempt
 * @param deployStarted when the deploy started; null when not known (a checklist item before
 *     launch), and then a baseline condition has no baseline and follows its noData policy
 */
public record MetricContext(String runId, Instant deployStarted, AtomicReference<Judgement> judged) {

  public static final String RUN_ID = "run.id";
  public static final String LAUNCHED_AT = "run.launchedAt";

  public MetricContext(String runId, Instant deployStarted) {
    this(runId, deployStarted, new AtomicReference<>());
  }

  /** No run: an item's check before launch, or {@code preflight check} from the command line. */
  public static MetricContext none() {
    return new MetricContext(null, null);
  }

  /** Reads {@link #placeholders}' keys back; absent or unreadable values are unknown. */
  public static MetricContext from(Map<String, String> placeholders) {
    Instant started = null;
    String launched = placeholders.get(LAUNCHED_AT);
    if (launched != null) {
      try {
        started = Instant.parse(launched);
      } catch (DateTimeParseException e) {
        started = null;
      }
    }
    return new MetricContext(placeholders.get(RUN_ID), started);
  }

  /** {@code placeholders} with this run's id and deploy start added. */
  public static Map<String, String> placeholders(Map<String, String> placeholders, String runId, Instant deployStarted) {
    Map<String, String> with = new HashMap<>(placeholders);
    if (runId != null) {
      with.put(RUN_ID, runId);
    }
    if (deployStarted != null) {
      with.put(LAUNCHED_AT, deployStarted.toString());
    }
    return Map.copyOf(with);
  }
}
