package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.deploy.Placeholders;
import dev.preflight.checklists.deploy.VerifyResult.StepResult;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.pointer.JsonPointer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt at a smoke test: its steps in order, each an HTTP request judged exactly like an
 * http check, with the values a step captures from its JSON answer filled into the steps after
 * it (seed 004: greeting hands its sessionId to validate and chat).
 *
 * <p>The first failing step ends the attempt, because the steps after it depend on it. The
 * test's timeout covers all the steps together, so a request is only given what is left of it.
 * Captured values are the service's data rather than secrets, but they are often session ids,
 * so the evidence masks them wherever they appear and only says that they were captured.
 * {@link CheckRunner} owns the retries, which start again from the first step.
 */
final class SmokeCheck {

  static final String NOT_RUN = "not run";

  private final HttpCheck http;

  SmokeCheck(HttpCheck http) {
    this.http = http;
  }

  /**
   * What one pass through the steps saw.
   *
   * @param retryable false when the test cannot work as written (a missing variable, a bad URL)
   */
  record Attempt(Evidence evidence, List<StepResult> steps, boolean retryable) {}

  /**
   * @param placeholders values for {@code {name}} placeholders besides the captured ones, which
   *     win over them once captured
   */
  Future<Attempt> attempt(CheckSpec.Smoke spec, Map<String, String> placeholders, Variables variables,
      Redactor redactor) {
    if (spec.steps().isEmpty()) {
      throw new InvalidSpecException("the smoke test has no steps");
    }
    // A bad capture pointer is the spec's fault; say so before the first request.
    for (int i = 0; i < spec.steps().size(); i++) {
      CheckSpec.Smoke.Step step = spec.steps().get(i);
      for (String pointer : step.capture().values()) {
        pointer(name(step, i), pointer);
      }
    }
    return new Pass(spec, placeholders, variables, redactor).from(0);
  }

  private static JsonPointer pointer(String stepName, String pointer) {
    try {
      return JsonPointer.from(pointer);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidSpecException(
          stepName + ": \"" + pointer + "\" is not a JSON pointer (they start with /)");
    }
  }

  private static String name(CheckSpec.Smoke.Step step, int index) {
    return step.name() == null || step.name().isBlank() ? "step " + (index + 1) : step.name();
  }

  /** One step's evidence and whether trying the whole test again could change it. */
  private record StepOutcome(Evidence evidence, boolean retryable) {}

  /** The state of one attempt: the values captured so far and the steps already judged. */
  private final class Pass {

    private final CheckSpec.Smoke spec;
    private final Variables variables;
    private final Redactor redactor;
    private final Redactor captured = new Redactor();
    private final Map<String, String> values;
    private final List<StepResult> results = new ArrayList<>();
    private final Duration timeout;
    private final long started = System.nanoTime();

    Pass(CheckSpec.Smoke spec, Map<String, String> placeholders, Variables variables, Redactor redactor) {
      this.spec = spec;
      this.variables = variables;
      this.redactor = redactor;
      this.values = new HashMap<>(placeholders);
      this.timeout = CheckRunner.timeout(spec);
    }

    Future<Attempt> from(int index) {
      if (index == spec.steps().size()) {
        return Future.succeededFuture(passed());
      }
      CheckSpec.Smoke.Step step = spec.steps().get(index);
      return send(step).compose(outcome -> {
        results.add(new StepResult(name(step, index), outcome.evidence()));
        return outcome.evidence().passed()
            ? from(index + 1)
            : Future.succeededFuture(failed(index, outcome.retryable()));
      });
    }

    private Future<StepOutcome> send(CheckSpec.Smoke.Step step) {
      Duration left = timeout.minusNanos(System.nanoTime() - started);
      if (left.isZero() || left.isNegative()) {
        return Future.succeededFuture(new StepOutcome(Evidence.failure(CheckFailures.timedOut(timeout), null, 1), true));
      }
      Future<HttpCheck.Exchange> exchange;
      try {
        exchange = http.exchange(request(step, left), variables, redactor);
      } catch (RuntimeException e) {
        exchange = Future.failedFuture(e);
      }
      return exchange
          .map(answer -> capture(step, answer))
          .recover(failure -> Future.succeededFuture(new StepOutcome(
              masked(CheckFailures.evidence(failure, timeout, redactor)), CheckFailures.retryable(failure))));
    }

    /** The step as an http check, with what is known so far filled in and what is left of the timeout. */
    private CheckSpec.Http request(CheckSpec.Smoke.Step step, Duration left) {
      Map<String, String> headers = new LinkedHashMap<>();
      step.headers().forEach((name, value) -> headers.put(name, fill(value)));
      Map<String, Object> expectJson = new LinkedHashMap<>();
      step.expectJson().forEach((pointer, expected) ->
          expectJson.put(pointer, expected instanceof String text ? fill(text) : expected));
      return new CheckSpec.Http(step.method(), fill(step.url()), headers, fill(step.body()), step.expectStatus(),
          expectJson, fill(step.bodyContains()), step.maxLatency(), new CheckSpec.Timing(left, 0, Duration.ZERO));
    }

    private String fill(String template) {
      return Placeholders.fill(template, values);
    }

    private StepOutcome capture(CheckSpec.Smoke.Step step, HttpCheck.Exchange answer) {
      Evidence evidence = answer.evidence();
      if (!evidence.passed() || step.capture().isEmpty()) {
        return new StepOutcome(masked(evidence), true);
      }
      Object document;
      try {
        document = Json.decodeValue(answer.body());
      } catch (DecodeException e) {
        return new StepOutcome(masked(failedAs(evidence, "body is not JSON, nothing to capture")), true);
      }
      for (Map.Entry<String, String> capture : step.capture().entrySet()) {
        Object value = pointer(step.name(), capture.getValue()).queryJson(document);
        if (value == null) {
          return new StepOutcome(masked(failedAs(evidence, capture.getValue() + " is missing from the answer")), true);
        }
        String text = value instanceof String string ? string : Json.encode(value);
        if (text.contains("${")) {
          // Later steps resolve ${NAME} from the bot's environment after captures are filled in; a
          // service must not be able to ask for the bot's secrets that way.
          return new StepOutcome(masked(failedAs(evidence, capture.getValue()
              + " holds ${…}, which a captured value may not")), true);
        }
        values.put(capture.getKey(), text);
        captured.add(text);
      }
      return new StepOutcome(masked(evidence), true);
    }

    private Attempt passed() {
      int count = results.size();
      StepResult last = results.get(count - 1);
      Evidence evidence = new Evidence(true, count + "/" + count + " steps passed", last.evidence().status(),
          Latency.millisSince(started), excerpt(), null, 1);
      return new Attempt(evidence, List.copyOf(results), true);
    }

    private Attempt failed(int index, boolean retryable) {
      StepResult failing = results.get(index);
      for (int i = index + 1; i < spec.steps().size(); i++) {
        results.add(new StepResult(name(spec.steps().get(i), i), new Evidence(false, NOT_RUN, null, null, null, null, 0)));
      }
      Evidence seen = failing.evidence();
      String why = Optional.ofNullable(seen.error()).orElse(seen.summary());
      Evidence evidence = new Evidence(false, failing.name() + ": " + seen.summary(), seen.status(),
          Latency.millisSince(started), excerpt(), failing.name() + ": " + why, 1);
      return new Attempt(evidence, List.copyOf(results), retryable);
    }

    /**
     * One line per step, so the checklist item shows how far the test got: pass, FAIL or skip (not
     * run), in plain words that read the same in Slack, a report and a terminal.
     */
    private String excerpt() {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < spec.steps().size(); i++) {
        CheckSpec.Smoke.Step step = spec.steps().get(i);
        Evidence seen = i < results.size() ? results.get(i).evidence() : null;
        if (out.length() > 0) {
          out.append('\n');
        }
        if (seen == null || seen.attempts() == 0) {
          out.append("skip ").append(name(step, i)).append(": ").append(NOT_RUN);
        } else if (seen.passed()) {
          out.append("pass ").append(name(step, i)).append(": ").append(seen.summary());
          if (!step.capture().isEmpty()) {
            out.append(", ").append(String.join(", ", step.capture().keySet())).append(" captured");
          }
        } else {
          out.append("FAIL ").append(name(step, i)).append(": ").append(seen.summary());
        }
      }
      return out.toString();
    }

    private Evidence masked(Evidence evidence) {
      return new Evidence(evidence.passed(), captured.redact(evidence.summary()), evidence.status(),
          evidence.latencyMillis(), captured.redact(evidence.excerpt()), captured.redact(evidence.error()),
          evidence.attempts());
    }
  }

  private static Evidence failedAs(Evidence evidence, String problem) {
    return new Evidence(false, problem, evidence.status(), evidence.latencyMillis(), evidence.excerpt(), problem,
        evidence.attempts());
  }
}
