package dev.preflight.deploy.check;

import dev.preflight.checklists.analysis.Analysis;
import dev.preflight.checklists.analysis.Judgement;
import dev.preflight.checklists.analysis.MetricRule;
import dev.preflight.checklists.analysis.Series;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One attempt of a metric check, whatever the source: fetch the window (or the latest value),
 * find the run's baseline when the condition uses one, let {@link Analysis} judge, and write the
 * evidence. Prometheus and CloudWatch differ only in how they fetch.
 */
final class MetricAttempt {

  /** How a source answers for a span; {@code from.equals(to)} asks for the value at that instant. */
  interface Source {
    Future<List<Series>> series(Instant from, Instant to, Duration step);
  }

  /**
   * @param what the query as the evidence shows it (already free of secrets)
   * @param graph a link to the source's own graph of it, or null
   */
  record Shown(String what, String graph) {}

  private final Clock clock;
  private final BaselineStore baselines;

  MetricAttempt(Clock clock, BaselineStore baselines) {
    this.clock = clock;
    this.baselines = baselines;
  }

  Future<Evidence> run(MetricRule rule, Source source, MetricContext context, Shown shown, Redactor redactor) {
    Instant now = clock.instant();
    long started = System.nanoTime();
    Instant from = rule.sustained() == null ? now : now.minus(rule.sustained());
    return baseline(rule, source, context, shown.what())
        .compose(baseline -> source.series(from, now, rule.step())
            .map(series -> Analysis.judge(rule, series, baseline)))
        .map(judgement -> {
          context.judged().set(judgement);
          return MetricEvidence.of(rule, judgement, shown.what(), shown.graph(), Latency.millisSince(started), redactor);
        });
  }

  /**
   * The stored baseline, or measured now (when the deploy's start is known) and stored; empty
   * when it cannot be had. The watch knows the run but not its start: it reads what verification kept.
   */
  private Future<OptionalDouble> baseline(MetricRule rule, Source source, MetricContext context, String what) {
    if (!rule.condition().usesBaseline()) {
      return Future.succeededFuture(OptionalDouble.empty());
    }
    String key = key(what, rule);
    Future<OptionalDouble> stored = context.runId() == null
        ? Future.succeededFuture(OptionalDouble.empty())
        : baselines.find(context.runId(), key);
    return stored.compose(found -> {
      if (found.isPresent() || context.deployStarted() == null) {
        return Future.succeededFuture(found);
      }
      Instant end = context.deployStarted();
      return source.series(end.minus(rule.baselineWindow()), end, rule.step())
          .map(Analysis::baseline)
          .compose(measured -> measured.isEmpty() || context.runId() == null
              ? Future.succeededFuture(measured)
              : baselines.keep(context.runId(), key, measured.getAsDouble()).map(OptionalDouble::of));
    });
  }

  /** One key per query and window, so two checks of one run never share a baseline by accident. */
  static String key(String what, MetricRule rule) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((what + "\n" + rule.baselineWindow() + "\n" + rule.step()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
