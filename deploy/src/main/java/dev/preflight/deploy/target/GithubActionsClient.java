package dev.preflight.deploy.target;

import dev.preflight.deploy.http.RetryAfter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The four GitHub Actions calls a deploy needs, with GitHub's headers, a timeout on every
 * request, and GitHub's rate limits waited out (a bounded number of times) rather than
 * reported as failures.
 */
final class GithubActionsClient {

  static final String API_VERSION = "2022-11-28";
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final int CONNECT_TIMEOUT_MILLIS = 10_000;
  static final int IDLE_TIMEOUT_SECONDS = 60;
  static final int RATE_LIMIT_RETRIES = 3;
  /** GitHub asks for a minute after a secondary limit without saying how long. */
  static final Duration UNSPECIFIED_RATE_LIMIT_WAIT = Duration.ofMinutes(1);
  static final Duration RATE_LIMIT_WAIT_LIMIT = Duration.ofMinutes(1);

  private final Vertx vertx;
  private final WebClient client;
  private final Duration shortestWait;

  /** @param shortestWait the least time to wait before asking again after a rate limit */
  GithubActionsClient(Vertx vertx, Duration shortestWait) {
    this.vertx = vertx;
    this.shortestWait = shortestWait;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("preflight")
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
        .setIdleTimeout(IDLE_TIMEOUT_SECONDS));
  }

  void close() {
    client.close();
  }

  /** One workflow of one repository, with the token that may start it. */
  record Workflow(String apiUrl, String owner, String repo, String workflow, String token) {

    String repoPath() {
      String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
      return base + "/repos/" + segment(owner) + "/" + segment(repo);
    }

    String workflowPath() {
      return repoPath() + "/actions/workflows/" + segment(workflow);
    }

    private static String segment(String text) {
      return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
  }

  /** POST …/dispatches; GitHub answers 204 and says nothing about the run it starts. */
  Future<Void> dispatch(Workflow workflow, String ref, Map<String, String> inputs) {
    JsonObject body = new JsonObject().put("ref", ref);
    if (!inputs.isEmpty()) {
      body.put("inputs", new JsonObject(Map.copyOf(inputs)));
    }
    return send(workflow, HttpMethod.POST, workflow.workflowPath() + "/dispatches", Map.of(), body).mapEmpty();
  }

  /** The newest workflow_dispatch runs of the workflow on a branch or tag, newest first. */
  Future<List<GithubActionsRun>> dispatchedRuns(Workflow workflow, String branch) {
    Map<String, String> query = Map.of("event", "workflow_dispatch", "branch", branch, "per_page", "20");
    return send(workflow, HttpMethod.GET, workflow.workflowPath() + "/runs", query, null)
        .map(response -> json(response).getJsonArray("workflow_runs", new JsonArray()).stream()
            .filter(JsonObject.class::isInstance)
            .map(run -> GithubActionsRun.from((JsonObject) run))
            .toList());
  }

  /** The newest run of the workflow on a branch or tag that concluded successfully, if any. */
  Future<Optional<GithubActionsRun>> lastSuccessfulRun(Workflow workflow, String branch) {
    Map<String, String> query = Map.of("branch", branch, "status", "success", "per_page", "1");
    return send(workflow, HttpMethod.GET, workflow.workflowPath() + "/runs", query, null)
        .map(response -> json(response).getJsonArray("workflow_runs", new JsonArray()).stream()
            .filter(JsonObject.class::isInstance)
            .map(run -> GithubActionsRun.from((JsonObject) run))
            .filter(GithubActionsRun::succeeded)
            .findFirst());
  }

  Future<GithubActionsRun> run(Workflow workflow, long runId) {
    return send(workflow, HttpMethod.GET, workflow.repoPath() + "/actions/runs/" + runId, Map.of(), null)
        .map(response -> GithubActionsRun.from(json(response)));
  }

  /** GitHub accepts a cancel with 202 and stops the run shortly after. */
  Future<Void> cancel(Workflow workflow, long runId) {
    return send(workflow, HttpMethod.POST, workflow.repoPath() + "/actions/runs/" + runId + "/cancel", Map.of(), null)
        .mapEmpty();
  }

  private Future<HttpResponse<Buffer>> send(Workflow workflow, HttpMethod method, String url, Map<String, String> query,
      JsonObject body) {
    Promise<HttpResponse<Buffer>> answered = Promise.promise();
    attempt(workflow, method, url, query, body, RATE_LIMIT_RETRIES, answered);
    return answered.future();
  }

  private void attempt(Workflow workflow, HttpMethod method, String url, Map<String, String> query, JsonObject body,
      int retriesLeft, Promise<HttpResponse<Buffer>> answered) {
    HttpRequest<Buffer> request = client.requestAbs(method, url)
        .timeout(REQUEST_TIMEOUT.toMillis())
        .putHeader("Authorization", "Bearer " + workflow.token())
        .putHeader("Accept", "application/vnd.github+json")
        .putHeader("X-GitHub-Api-Version", API_VERSION);
    query.forEach(request::addQueryParam);
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    sent.onFailure(answered::fail).onSuccess(response -> {
      if (response.statusCode() >= 200 && response.statusCode() < 300) {
        answered.complete(response);
        return;
      }
      Optional<Duration> wait = rateLimitWait(response, Instant.now());
      if (wait.isPresent() && retriesLeft > 0) {
        vertx.setTimer(bounded(wait.get()).toMillis(),
            id -> attempt(workflow, method, url, query, body, retriesLeft - 1, answered));
        return;
      }
      answered.fail(new GithubActionsException(response.statusCode(), message(response), wait.isPresent()));
    });
  }

  /**
   * How long GitHub asks us to wait, if this answer is a rate limit: {@code Retry-After} for a
   * secondary limit, {@code x-ratelimit-reset} once {@code x-ratelimit-remaining} reaches 0.
   * A plain 403 (a token without the permission) is not one.
   */
  static Optional<Duration> rateLimitWait(HttpResponse<?> response, Instant now) {
    int status = response.statusCode();
    if (status != 403 && status != 429) {
      return Optional.empty();
    }
    Optional<Duration> retryAfter = RetryAfter.parse(response.getHeader("retry-after"), now);
    if (retryAfter.isPresent()) {
      return retryAfter;
    }
    if ("0".equals(response.getHeader("x-ratelimit-remaining"))) {
      return Optional.of(seconds(response.getHeader("x-ratelimit-reset"))
          .map(reset -> Duration.between(now, Instant.ofEpochSecond(reset)))
          .orElse(UNSPECIFIED_RATE_LIMIT_WAIT));
    }
    return status == 429 ? Optional.of(UNSPECIFIED_RATE_LIMIT_WAIT) : Optional.empty();
  }

  private Duration bounded(Duration wait) {
    Duration atLeast = wait.compareTo(shortestWait) < 0 ? shortestWait : wait;
    return atLeast.compareTo(RATE_LIMIT_WAIT_LIMIT) > 0 ? RATE_LIMIT_WAIT_LIMIT : atLeast;
  }

  private static Optional<Long> seconds(String header) {
    try {
      return header == null ? Optional.empty() : Optional.of(Long.parseLong(header.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static JsonObject json(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (DecodeException e) {
      throw new GithubActionsException(response.statusCode(), "the answer is not JSON", false);
    }
  }

  /** GitHub's own words from its error body, else the status line. */
  private static String message(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      if (body != null && body.getValue("message") instanceof String message && !message.isBlank()) {
        return message;
      }
    } catch (DecodeException | ClassCastException e) {
      // not GitHub's JSON error shape; fall back to the status line
    }
    return response.statusMessage();
  }
}
