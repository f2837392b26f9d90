package dev.preflight.deploy.action;

import dev.preflight.checklists.config.HttpAction;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.failure.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;

/**
 * Calls an {@code http} step's webhook. A connection error or a 5xx is tried again, up to
 * {@link #ATTEMPTS} times with a doubling pause, but only for a method that may safely be sent
 * twice; a POST is sent once. Every attempt ends by the step's timeout. A POST a crash
 * interrupted after it was sent is not sent again: its outcome is unknown.
 */
public final class HttpActionRunner implements ActionRunner<HttpAction> {

  static final int ATTEMPTS = 3;
  static final String SENT = "sentAt";
  private static final int OUTPUT_LIMIT = 3000;

  private final Vertx vertx;
  private final WebClient client;
  private final Duration firstPause;

  /** @param firstPause the wait before the second attempt; doubled before each further one */
  public HttpActionRunner(Vertx vertx, WebClient client, Duration firstPause) {
    this.vertx = vertx;
    this.client = client;
    this.firstPause = firstPause;
  }

  @Override
  public Future<ActionOutcome> run(HttpAction spec, ActionContext context) {
    if (context.journal().state().containsKey(SENT) && !spec.idempotent()) {
      return Future.succeededFuture(ActionOutcome.unknown("The bot restarted after " + spec.method()
          + " was sent and before it was answered; its outcome is unknown, so it was not sent again", null, null));
    }
    Fill fill = new Fill(context);
    String url;
    Map<String, String> headers;
    String body;
    try {
      url = fill.text(spec.url());
      headers = fill.values(spec.headers());
      body = spec.body() == null ? null : fill.text(spec.body());
    } catch (Variables.MissingVariableException e) {
      return Future.succeededFuture(ActionOutcome.failed(e.getMessage(), null, null));
    }
    long deadline = System.currentTimeMillis() + spec.timeout().toMillis();
    String shown = context.redactor().redact(spec.method() + " " + url);
    return context.journal().record(Map.of(SENT, String.valueOf(System.currentTimeMillis())))
        .compose(v -> attempt(spec, url, headers, body, deadline, 1, firstPause, context))
        .map(response -> judged(spec, shown, response, context))
        .recover(e -> Future.succeededFuture(ActionOutcome.failed(e instanceof Halted halted ? shown + halted.getMessage()
            : shown + " failed: " + context.redactor().redact(Failures.isTimeout(e)
                ? "no answer within " + Spans.format(spec.timeout()) : Failures.message(e)), null, null)));
  }

  /** An abort or the bot's stop ended the step before the request's answer, or between two attempts. */
  private static final class Halted extends RuntimeException {
    Halted(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * {@code work}, or a {@link Halted} failure as soon as the run is aborted or the bot stops:
   * the step ends then, and a request under way is left to its own timeout, its answer unread.
   */
  private static <T> Future<T> unlessHalted(Future<T> work, ActionContext context, boolean sent) {
    Promise<T> result = Promise.promise();
    work.onSuccess(result::tryComplete).onFailure(result::tryFail);
    String what = sent ? " was sent; its answer was not awaited" : " was not sent again";
    context.journal().aborted().onComplete(v -> result.tryFail(new Halted(what + ": the run was aborted")));
    context.journal().stopping().onComplete(v -> result.tryFail(new Halted(what + ": the bot is stopping")));
    return result.future();
  }

  private Future<HttpResponse<Buffer>> attempt(HttpAction spec, String url, Map<String, String> headers, String body,
      long deadline, int attempt, Duration pause, ActionContext context) {
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      return Future.failedFuture(new java.util.concurrent.TimeoutException("the step's timeout passed"));
    }
    HttpRequest<Buffer> request = client.requestAbs(HttpMethod.valueOf(spec.method()), url).timeout(left);
    headers.forEach(request::putHeader);
    Future<HttpResponse<Buffer>> sent = unlessHalted(
        body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)), context, true);
    return sent.transform(result -> {
      if (result.failed() && result.cause() instanceof Halted) {
        return Future.failedFuture(result.cause());
      }
      boolean again = spec.idempotent() && attempt < ATTEMPTS
          && (result.failed() || result.result().statusCode() >= 500)
          && deadline - System.currentTimeMillis() > pause.toMillis()
          && !context.journal().aborted().isComplete() && !context.journal().stopping().isComplete();
      if (!again) {
        return result.succeeded() ? Future.succeededFuture(result.result()) : Future.failedFuture(result.cause());
      }
      Promise<Void> waited = Promise.promise();
      long timer = vertx.setTimer(pause.toMillis(), id -> waited.tryComplete());
      return unlessHalted(waited.future(), context, false).onFailure(e -> vertx.cancelTimer(timer))
          .compose(v -> attempt(spec, url, headers, body, deadline, attempt + 1,
          pause.multipliedBy(2), context));
    });
  }

  private static ActionOutcome judged(HttpAction spec, String shown, HttpResponse<Buffer> response,
      ActionContext context) {
    int status = response.statusCode();
    String output = response.body() == null || response.body().length() == 0 ? null
        : Failures.clip(context.redactor().redact(response.bodyAsString()), OUTPUT_LIMIT);
    String summary = shown + " answered " + status;
    return spec.expected(status) ? ActionOutcome.passed(summary, output, null)
        : ActionOutcome.failed(summary + (spec.expectStatus().isEmpty() ? ", not 2xx"
            : ", expected " + spec.expectStatus().stream().sorted().map(String::valueOf)
                .reduce((a, b) -> a + " or " + b).orElse("")), output, null);
  }
}
