package dev.preflight.bot.observe;

import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.ChecklistRuns;
import dev.preflight.deploy.run.TrackedRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Counts each run once per finished status it reaches ({@code preflight.runs.finished}, tagged
 * by outcome and kind), and hands it to {@code onFinished} (the Sentry report) each time. A run
 * can finish more than once: one that succeeded or failed may be rolled back hours later, and
 * that rollback's end (a ROLLBACK_FAILED above all) must be counted and reported too. A finished
 * run keeps announcing small changes (its message posted, a note), so the run and status pairs
 * already counted are remembered, the most recent few thousand of them.
 */
public final class FinishedRuns implements Consumer<TrackedRun> {

  private static final int REMEMBERED = 10_000;

  private final MeterRegistry meters;
  private final Consumer<TrackedRun> onFinished;
  private final Set<String> counted = Collections.newSetFromMap(new LinkedHashMap<>(256, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > REMEMBERED;
    }
  });

  public FinishedRuns(MeterRegistry meters, Consumer<TrackedRun> onFinished) {
    this.meters = meters;
    this.onFinished = onFinished;
  }

  /** Listens to every run change {@code runs} announces, deploy runs included. */
  public FinishedRuns listenTo(ChecklistRuns runs) {
    runs.onChange(this);
    return this;
  }

  @Override
  public void accept(TrackedRun tracked) {
    RunStatus status = tracked.run().status();
    if (!RunStatus.FINISHED.contains(status) || !firstTime(tracked.id(), status)) {
      return;
    }
    Counter.builder("preflight.runs.finished")
        .description("Runs that reached a finished status, by outcome and kind (deploy or checklist)")
        .tag("outcome", status.name())
        .tag("kind", tracked.deployment() == null ? "checklist" : "deploy")
        .register(meters)
        .increment();
    onFinished.accept(tracked);
  }

  private synchronized boolean firstTime(String runId, RunStatus status) {
    return counted.add(runId + " " + status.name());
  }
}
