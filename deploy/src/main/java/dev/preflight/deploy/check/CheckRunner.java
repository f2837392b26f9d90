package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
   * is given {@link CommandCheck#KILL_WAIT_LIMIT} to die), or the backstop answers first and
   * the output the command printed is lost.
   */
  private static final Duration BACKSTOP_GRACE = CommandCheck.KILL_WAIT_LIMIT.plusSeconds(5);
  /** Only reached by a spec built without validation; every attempt still needs a bound. */
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final Map<Class<? extends CheckSpec>, Check<?>> checks;
  private final HttpCheck http;

  public CheckRunner(Vertx vertx, AwsClients aws) {
    this.vertx = vertx;
    this.http = new HttpCheck(vertx);
    this.checks = Map.of(
        CheckSpec.Http.class, http,
        CheckSpec.Sql.class, new SqlCheck(vertx),
        CheckSpec.Command.class, new CommandCheck(vertx),
        CheckSpec.AwsSecret.class, new AwsSecretCheck(vertx, aws),
        CheckSpec.EcsService.class, new EcsServiceCheck(vertx, aws));
  }

  /** For tests that put a check of their own behind the runner. */
  CheckRunner(Vertx vertx, Map<Class<? extends CheckSpec>, Check<?>> checks) {
    this.vertx = vertx;
    this.http = null;
    this.checks = Map.copyOf(checks);
  }

  public Future<Evidence> run(CheckSpec spec, Variables variables) {
    // One redactor per run: a value substituted in attempt 1 stays masked in attempt 3.
    return attempt(spec, variables, new Redactor(), 1);
  }

  /** Releases the shared HTTP client; the AWS clients belong to whoever built them. */
  public void close() {
    if (http != null) {
      http.close();
    }
  }

  private Future<Evidence> attempt(CheckSpec spec, Variables variables, Redactor redactor, int number) {
    return once(spec, variables, redactor)
        .compose(outcome -> next(spec, variables, redactor, number, outcome));
  }

  private Future<Evidence> next(CheckSpec spec, Variables variables, Redactor redactor, int number, Outcome outcome) {
    Evidence evidence = finish(outcome.evidence(), number, redactor);
    if (evidence.passed() || !outcome.retryable() || number > retries(spec)) {
      return Future.succeededFuture(evidence);
    }
    LOG.info("{} check attempt {} failed ({}); trying again", spec.kind(), number, evidence.summary());
    return pause(spec.timing() == null ? null : spec.timing().interval())
        .compose(v -> attempt(spec, variables, redactor, number + 1));
  }

  private Future<Outcome> once(CheckSpec spec, Variables variables, Redactor redactor) {
    Duration timeout = timeout(spec);
    return start(spec, variables, redactor)
        .timeout(timeout.plus(BACKSTOP_GRACE).toMillis(), TimeUnit.MILLISECONDS)
        .map(evidence -> evidence == null
            ? new Outcome(Evidence.failure("check failed: it returned no evidence", null, 1), true)
            : new Outcome(evidence, true))
        .recover(failure -> Future.succeededFuture(new Outcome(
            CheckFailures.evidence(failure, timeout, redactor), CheckFailures.retryable(failure))));
  }

  private <S extends CheckSpec> Future<Evidence> start(S spec, Variables variables, Redactor redactor) {
    try {
      Check<S> check = checkFor(spec);
      Future<Evidence> attempt = check.attempt(spec, variables, redactor);
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

  private record Outcome(Evidence evidence, boolean retryable) {}
}
