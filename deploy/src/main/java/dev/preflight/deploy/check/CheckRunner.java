package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.VerifyResult.StepResult;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import dev.preflight.deploy.process.Program;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs any {@link CheckSpec}: one attempt at a time, each bounded by the spec's timeout, up to
 * {@code retries} more after a failure with {@code interval} between them on a Vert.x timer.
 *
 * <p>The future it returns never fails: a timeout, a refused connection, a bad URL, a missing
 * environment variable or a bug inside a check all come back as {@code Evidence(passed=false)}
 * with a summary a person can act on. Every string in the evidence has been through the
 * run's {@link Redactor}.
 */
public final class CheckRunner {

  private static final Logger LOG = LoggerFactory.getLogger(CheckRunner.class);

  /**
   * Checks enforce the timeout themselves; this margin lets their more precise evidence win. It
   * must outlast the longest clean-up a check does after its timeout (a command's process tree
   * is given {@link Program#KILL_WAIT_LIMIT} to die), or the backstop answers first and
   * the output the command printed is lost.
   */
  private static final Duration BACKSTOP_GRACE = Program.KILL_WAIT_LIMIT.plusSeconds(5);
  /** Only reached by a spec built without validation; every attempt still needs a bound. */
  private static final Duration DEFAULT_TIMEOUT = CheckSpec.Timing.DEFAULT_TIMEOUT;

  private final Vertx vertx;
  private final Map<Class<? extends CheckSpec>, Check<?>> checks;
  private final HttpCheck http;
  private final SmokeCheck smoke;
  private final PrometheusCheck prometheus;
  private final MeterRegistry meters;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public CheckRunner(Vertx vertx, AwsClients aws) {
    this(vertx, aws, new CompositeMeterRegistry());
  }

  /** @param meters times every check, retries included, by kind and outcome ({@code preflight.check}) */
  public CheckRunner(Vertx vertx, AwsClients aws, MeterRegistry meters) {
    this(vertx, aws, meters, BaselineStore.inMemory());
  }

  /** @param baselines where metric checks keep a run's baselines ({@link MetricBaselines} in PostgreSQL) */
  public CheckRunner(Vertx vertx, AwsClients aws, MeterRegistry meters, BaselineStore baselines) {
    this.vertx = vertx;
    this.meters = meters;
    this.http = new HttpCheck(vertx);
    this.smoke = new SmokeCheck(http);
    this.prometheus = new PrometheusCheck(vertx, Clock.systemUTC(), baselines);
    this.checks = Map.of(
        CheckSpec.Http.class, http,
        CheckSpec.Sql.class, new SqlCheck(vertx),
        CheckSpec.Command.class, new CommandCheck(vertx),
        CheckSpec.AwsSecret.class, new AwsSecretCheck(vertx, aws),
        CheckSpec.EcsService.class, new EcsServiceCheck(vertx, aws),
        CheckSpec.Prometheus.class, prometheus,
        CheckSpec.CloudWatchMetric.class, new CloudWatchMetricCheck(vertx, aws, Clock.systemUTC(), baselines));
  }

  /** For tests that put a check of their own behind the runner. */
  CheckRunner(Vertx vertx, Map<Class<? extends CheckSpec>, Check<?>> checks) {
    this.vertx = vertx;
    this.http = null;
    this.smoke = null;
    this.prometheus = null;
    this.meters = new CompositeMeterRegistry();
    this.checks = Map.copyOf(checks);
  }

  public Future<Evidence> run(CheckSpec spec, Variables variables) {
    return run(spec, variables, MetricContext.none());
  }

  /**
   * Like {@link #run(CheckSpec, Variables)}, telling a metric check which run it judges (for its
   * baseline); every other kind ignores the context. A metric check that could not decide
   * (noData: inconclusive) comes back as failed evidence here; {@link #analyse} tells it apart.
   */
  public Future<Evidence> run(CheckSpec spec, Variables variables, MetricContext context) {
    if (spec instanceof CheckSpec.Smoke test) {
      return runSmoke(test, Map.of(), variables).map(SmokeOutcome::evidence);
    }
    // One redactor per run: a value substituted in attempt 1 stays masked in attempt 3.
    Redactor redactor = new Redactor();
    long started = System.nanoTime();
    return repeat(spec, redactor, () -> once(spec, variables, redactor, context), 1).map(Outcome::evidence)
        .onSuccess(evidence -> timed(spec, evidence, started));
  }

  /**
   * Runs a metric check (with its retries) and says what it concluded: pass, fail, or
   * inconclusive when the source had no data and the spec's {@code noData} is
   * {@code inconclusive}. A check that could not reach its source is a failure. Never fails.
   */
  public Future<MetricOutcome> analyse(CheckSpec.Metric spec, Variables variables, MetricContext context) {
    return run(spec, variables, context).map(evidence -> MetricOutcome.of(evidence, context.judged().get()));
  }

  /**
   * Runs a smoke test with the same retries and timeout as {@link #run} (each retry starts again
   * from the first step) and keeps what every step of the last attempt saw.
   *
   * @param placeholders {@code {name}} values the steps may use besides the ones they capture
   */
  public Future<SmokeOutcome> runSmoke(CheckSpec.Smoke spec, Map<String, String> placeholders, Variables variables) {
    Redactor redactor = new Redactor();
    long started = System.nanoTime();
    return repeat(spec, redactor, () -> bounded(spec, redactor, () -> smokeAttempt(spec, placeholders, variables, redactor)), 1)
        .map(outcome -> new SmokeOutcome(outcome.evidence(), outcome.steps()))
        .onSuccess(outcome -> timed(spec, outcome.evidence(), started));
  }

  private void timed(CheckSpec spec, Evidence evidence, long startedNanos) {
    String outcome = evidence.passed() ? "passed" : "failed";
    // Looked up once per kind and outcome: building the meter's id (tags sorted, hashed) for every
    // check was a visible share of a thousand checks' CPU.
    timers.computeIfAbsent(spec.kind() + "/" + outcome, key -> Timer.builder("preflight.check")
            .description("How long a check took, retries included")
            .tag("kind", spec.kind())
            .tag("outcome", outcome)
            .register(meters))
        .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  private Future<Outcome> smokeAttempt(CheckSpec.Smoke spec, Map<String, String> placeholders, Variables variables,
      Redactor redactor) {
    if (smoke == null) {
      throw new InvalidSpecException("no check can run kind " + spec.kind());
    }
    return smoke.attempt(spec, placeholders, variables, redactor)
        .map(attempt -> new Outcome(attempt.evidence(), attempt.retryable(), attempt.steps()));
  }

  /**
   * Releases the shared HTTP clients; the AWS clients belong to whoever built them. Completes
   * once the checks' connections are closed.
   */
  public Future<Void> close() {
    if (prometheus != null) {
      prometheus.close();
    }
    return http == null ? Future.succeededFuture() : http.close();
  }

  private Future<Outcome> repeat(CheckSpec spec, Redactor redactor, Supplier<Future<Outcome>> once, int number) {
    return once.get().compose(outcome -> next(spec, redactor, once, number, outcome));
  }

  private Future<Outcome> next(
      CheckSpec spec, Redactor redactor, Supplier<Future<Outcome>> once, int number, Outcome outcome) {
    Outcome finished = new Outcome(finish(outcome.evidence(), number, redactor), outcome.retryable(),
        outcome.steps().stream()
            .map(step -> new StepResult(step.name(), finish(step.evidence(), step.evidence().attempts(), redactor)))
            .toList());
    Evidence evidence = finished.evidence();
    if (evidence.passed() || !outcome.retryable() || number > retries(spec)) {
      return Future.succeededFuture(finished);
    }
    LOG.info("{} check attempt {} failed ({}); trying again", spec.kind(), number, evidence.summary());
    return pause(spec.timing() == null ? null : spec.timing().interval())
        .compose(v -> repeat(spec, redactor, once, number + 1));
  }

  private Future<Outcome> once(CheckSpec spec, Variables variables, Redactor redactor, MetricContext context) {
    // A judgement left by an earlier attempt must not outlive an attempt that never reached one.
    context.judged().set(null);
    return bounded(spec, redactor, () -> start(spec, variables, redactor, context).map(evidence -> evidence == null
        ? new Outcome(Evidence.failure("check failed: it returned no evidence", null, 1), true)
        : new Outcome(evidence, true)));
  }

  /** One attempt under the backstop timeout, whatever goes wrong in it turned into evidence. */
  private Future<Outcome> bounded(CheckSpec spec, Redactor redactor, Supplier<Future<Outcome>> attempt) {
    Duration timeout = timeout(spec);
    Future<Outcome> started;
    try {
      started = attempt.get();
    } catch (RuntimeException e) {
      started = Future.failedFuture(e);
    }
    return started
        .timeout(timeout.plus(BACKSTOP_GRACE).toMillis(), TimeUnit.MILLISECONDS)
        .recover(failure -> Future.succeededFuture(new Outcome(
            CheckFailures.evidence(failure, timeout, redactor), CheckFailures.retryable(failure))));
  }

  private <S extends CheckSpec> Future<Evidence> start(S spec, Variables variables, Redactor redactor,
      MetricContext context) {
    try {
      Check<S> check = checkFor(spec);
      Future<Evidence> attempt = check.attempt(spec, variables, redactor, context);
      return attempt == null ? Future.failedFuture(new IllegalStateException("the check returned nothing")) : attempt;
    } catch (RuntimeException e) {
      // A check that throws instead of failing its future is still just a failed attempt.
      return Future.failedFuture(e);
    }
  }

  @SuppressWarnings("unchecked")
  private <S extends CheckSpec> Check<S> checkFor(S spec) {
    Check<?> check = checks.get(spec.getClass());
    if (check == null) {
      throw new InvalidSpecException("no check can run kind " + spec.kind());
    }
    return (Check<S>) check;
  }

  private Future<Void> pause(Duration interval) {
    if (interval == null || interval.isZero() || interval.isNegative()) {
      return Future.succeededFuture();
    }
    return vertx.timer(interval.toMillis(), TimeUnit.MILLISECONDS).mapEmpty();
  }

  static Duration timeout(CheckSpec spec) {
    Duration timeout = spec.timing() == null ? null : spec.timing().timeout();
    return timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
  }

  private static int retries(CheckSpec spec) {
    return spec.timing() == null ? 0 : Math.max(0, spec.timing().retries());
  }

  private static Evidence finish(Evidence evidence, int attempts, Redactor redactor) {
    return new Evidence(
        evidence.passed(),
        redactor.redact(evidence.summary()),
        evidence.status(),
        evidence.latencyMillis(),
        redactor.redact(evidence.excerpt()),
        redactor.redact(evidence.error()),
        attempts);
  }

  /** @param steps what each step of a smoke test saw; empty for every other kind */
  private record Outcome(Evidence evidence, boolean retryable, List<StepResult> steps) {

    Outcome(Evidence evidence, boolean retryable) {
      this(evidence, retryable, List.of());
    }
  }
}
