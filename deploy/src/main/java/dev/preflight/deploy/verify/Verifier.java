package dev.preflight.deploy.verify;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.Verification;
import dev.preflight.checklists.deploy.Verification.VerifyCheck;
import dev.preflight.checklists.deploy.VerifyResult;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.check.CheckRunner;
import dev.preflight.deploy.check.MetricContext;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether what was just deployed (or rolled back to) works: the health checks first,
 * each with its own retries, and the smoke tests only once every health check has passed,
 * since a smoke test against a service that is not up would only repeat the health failure in
 * a longer form. Each result is reported as soon as it is known, so the run's message can move
 * while the slower checks are still going.
 */
public final class Verifier {

  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  private final CheckRunner runner;

  public Verifier(CheckRunner runner) {
    this.runner = runner;
  }

  /**
   * Never fails: a check that cannot run is a failed result. When {@code aborted} completes, the
   * check under way finishes and no further one starts; the results so far are returned.
   *
   * @param placeholders {@code {service}}, {@code {version}}, {@code {environment}} for the check specs
   * @param onResult told of each result as it is known, in order
   */
  public Future<List<VerifyResult>> verify(
      Verification verification,
      Map<String, String> placeholders,
      Variables variables,
      Consumer<VerifyResult> onResult,
      Future<Void> aborted) {
    Pass pass = new Pass(placeholders, variables, onResult, aborted);
    return pass.run(verification.health(), 0)
        .compose(v -> pass.allPassed() ? pass.run(verification.smoke(), 0) : Future.succeededFuture())
        .map(v -> pass.results());
  }

  /** One verification's progress. */
  private final class Pass {

    private final Map<String, String> placeholders;
    private final Variables variables;
    private final Consumer<VerifyResult> onResult;
    private final Future<Void> aborted;
    private final List<VerifyResult> results = new ArrayList<>();

    Pass(Map<String, String> placeholders, Variables variables, Consumer<VerifyResult> onResult, Future<Void> aborted) {
      this.placeholders = placeholders;
      this.variables = variables;
      this.onResult = onResult;
      this.aborted = aborted;
    }

    Future<Void> run(List<VerifyCheck> checks, int index) {
      if (index == checks.size() || (aborted != null && aborted.isComplete())) {
        return Future.succeededFuture();
      }
      return check(checks.get(index)).compose(result -> {
        record(result);
        return run(checks, index + 1);
      });
    }

    boolean allPassed() {
      return results.stream().allMatch(VerifyResult::passed);
    }

    List<VerifyResult> results() {
      return List.copyOf(results);
    }

    private Future<VerifyResult> check(VerifyCheck check) {
      Future<VerifyResult> result;
      try {
        CheckSpec spec = CheckSpecs.fill(check.check(), placeholders);
        if (spec == null) {
          result = Future.succeededFuture(failed(check, "no check is configured"));
        } else if (spec instanceof CheckSpec.Smoke smoke) {
          result = runner.runSmoke(smoke, placeholders, variables)
              .map(outcome -> new VerifyResult(check.id(), check.title(), check.kind(), outcome.evidence(), outcome.steps()));
        } else if (spec instanceof CheckSpec.Metric metric) {
          // The run's id and deploy start ride in the placeholders for metric checks' baselines;
          // the verdict tells a check without data (inconclusive) from a failed one.
          result = runner.analyse(metric, variables, MetricContext.from(placeholders))
              .map(outcome -> new VerifyResult(check.id(), check.title(), check.kind(), outcome.evidence(), List.of(),
                  outcome.verdict()));
        } else {
          result = runner.run(spec, variables, MetricContext.from(placeholders))
              .map(evidence -> new VerifyResult(check.id(), check.title(), check.kind(), evidence, List.of()));
        }
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      return result.recover(failure -> {
        // The runner never fails, so this is a bug; its message could hold anything, secrets included.
        LOG.error("verification check {} could not run", check.id(), failure);
        return Future.succeededFuture(failed(check, "could not run: " + failure.getClass().getSimpleName()));
      });
    }

    private void record(VerifyResult result) {
      results.add(result);
      try {
        onResult.accept(result);
      } catch (RuntimeException e) {
        // Whoever listens must not be able to stop the verification.
        LOG.warn("listener failed on verification result {}", result.id(), e);
      }
    }
  }

  private static VerifyResult failed(VerifyCheck check, String why) {
    return new VerifyResult(check.id(), check.title(), check.kind(), Evidence.failure(why, why, 1), List.of());
  }
}
