package dev.preflight.deploy.fake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local GitHub REST API, the slice a workflow_dispatch deploy uses: dispatch a workflow, list
 * its runs, read one run, cancel it. Paths, status codes, headers and JSON field names are
 * GitHub's ({@code id}, {@code html_url}, {@code status}, {@code conclusion},
 * {@code created_at}, {@code head_branch}, {@code event}); errors carry GitHub's
 * {@code message} and {@code documentation_url}.
 *
 * <p>Scriptable: a dispatched run moves queued → in_progress → completed over successive reads
 * of the run, and ends with the conclusion chosen beforehand (or never, to test timeouts and
 * aborts). It can hide a new run from the list for a while, as GitHub does for a few seconds,
 * and answer rate limits.
 */
public final class FakeGithub {

  public static final String OWNER = "fluxion";
  public static final String REPO = "klk";
  public static final String WORKFLOW = "deploy.yml";
  private static final String DOCS = "https://docs.github.com/rest";

  private final String token;
  private final Map<String, Workflow> workflows = new ConcurrentHashMap<>();
  private final Set<String> refs = ConcurrentHashMap.newKeySet();
  private final Map<Long, Run> runs = new ConcurrentHashMap<>();
  private final List<Dispatch> dispatches = new CopyOnWriteArrayList<>();
  private final List<Long> cancelled = new CopyOnWriteArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  private final AtomicLong nextRunId = new AtomicLong(9_100_000_001L);
  private final AtomicInteger rateLimited = new AtomicInteger();
  private volatile String conclusion = "success";
  private volatile int readsPerStatus = 1;
  private volatile int hiddenFromList;
  private volatile int refusedStatus;
  private volatile String refusedMessage;
  private HttpServer server;

  private FakeGithub(String token) {
    this.token = token;
    workflow(OWNER, REPO, WORKFLOW);
    refs.add("main");
  }

  /** Starts on a free port with the workflow {@link #OWNER}/{@link #REPO}/{@link #WORKFLOW} and the branch main. */
  public static Future<FakeGithub> start(Vertx vertx, String token) {
    FakeGithub fake = new FakeGithub(token);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.route().handler(fake::authenticate);
    router.post("/repos/:owner/:repo/actions/workflows/:workflow/dispatches").handler(fake::dispatch);
    router.get("/repos/:owner/:repo/actions/workflows/:workflow/runs").handler(fake::listRuns);
    router.get("/repos/:owner/:repo/actions/runs/:id").handler(fake::getRun);
    router.post("/repos/:owner/:repo/actions/runs/:id/cancel").handler(fake::cancel);
    router.route().last().handler(ctx -> error(ctx, 404, "Not Found"));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .map(server -> {
          fake.server = server;
          return fake;
        });
  }

  /** The API base to configure as the target's {@code apiUrl}. */
  public String apiUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Adds a workflow that can be dispatched, known by its file name and by its numeric id. */
  public FakeGithub workflow(String owner, String repo, String file) {
    long id = 161_335L + workflows.size();
    workflows.put(key(owner, repo, file), new Workflow(owner, repo, file, id));
    return this;
  }

  /** Adds a branch or tag a workflow can run on. */
  public FakeGithub ref(String name) {
    refs.add(name);
    return this;
  }

  /** How runs dispatched from now on end: success, failure, cancelled…; null never completes them. */
  public FakeGithub conclusion(String conclusion) {
    this.conclusion = conclusion;
    return this;
  }

  /** How many reads of a run it stays queued, then in_progress (default 1 each). */
  public FakeGithub readsPerStatus(int reads) {
    this.readsPerStatus = reads;
    return this;
  }

  /** A new run is missing from this many list answers after its dispatch, as on GitHub. */
  public FakeGithub hiddenFromList(int listings) {
    this.hiddenFromList = listings;
    return this;
  }

  /**
   * Every dispatch from now on is answered with {@code status} and GitHub's error body carrying
   * {@code message} (422 "Unexpected inputs provided: …" when the workflow declares other inputs),
   * and starts no run.
   */
  public FakeGithub refuseDispatches(int status, String message) {
    this.refusedMessage = message;
    this.refusedStatus = status;
    return this;
  }

  /** The next {@code requests} requests hit the primary rate limit (403, remaining 0, reset now). */
  public FakeGithub rateLimit(int requests) {
    rateLimited.set(requests);
    return this;
  }

  /** A run someone else started earlier, still in progress; returns its id. */
  public long existingRun(String ref, Instant createdAt) {
    Workflow workflow = workflows.get(key(OWNER, REPO, WORKFLOW));
    Run run = new Run(nextRunId.getAndIncrement(), workflow, ref, createdAt, null, 0);
    run.reads.set(Integer.MAX_VALUE / 2);
    runs.put(run.id, run);
    return run.id;
  }

  /** A run that concluded successfully on the ref at {@code createdAt}, on commit {@code headSha}; returns its id. */
  public long finishedRun(String ref, Instant createdAt, String conclusion, String headSha) {
    Workflow workflow = workflows.get(key(OWNER, REPO, WORKFLOW));
    Run run = new Run(nextRunId.getAndIncrement(), workflow, ref, createdAt, conclusion, 0);
    run.headSha = headSha;
    run.reads.set(Integer.MAX_VALUE / 2);
    runs.put(run.id, run);
    return run.id;
  }

  /** Every dispatch GitHub accepted, in order. */
  public List<Dispatch> dispatches() {
    return List.copyOf(dispatches);
  }

  /** The ids of runs cancelled through the API. */
  public List<Long> cancelled() {
    return List.copyOf(cancelled);
  }

  /** Every request as "METHOD /path?query", in order. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** The headers of every request, in order, names in lower case. */
  public List<Map<String, String>> headers() {
    return List.copyOf(headers);
  }

  /** The ids of the runs the fake holds, newest first. */
  public List<Long> runIds() {
    return runs.values().stream().sorted(Comparator.comparingLong((Run run) -> run.id).reversed()).map(run -> run.id).toList();
  }

  /** What a run looks like on github.com; the deploy shows it as the run's link. */
  public static String htmlUrl(long runId) {
    return "https://github.com/" + OWNER + "/" + REPO + "/actions/runs/" + runId;
  }

  private void authenticate(RoutingContext ctx) {
    String uri = ctx.request().uri();
    requests.add(ctx.request().method() + " " + uri);
    Map<String, String> seen = new ConcurrentHashMap<>();
    ctx.request().headers().forEach(header -> seen.put(header.getKey().toLowerCase(java.util.Locale.ROOT), header.getValue()));
    headers.add(seen);
    if (ctx.request().getHeader("User-Agent") == null) {
      error(ctx, 403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header");
      return;
    }
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization == null) {
      error(ctx, 401, "Requires authentication");
      return;
    }
    if (!authorization.equals("Bearer " + token) && !authorization.equals("token " + token)) {
      error(ctx, 401, "Bad credentials");
      return;
    }
    if (rateLimited.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
      long now = Instant.now().getEpochSecond();
      ctx.response()
          .putHeader("x-ratelimit-limit", "5000")
          .putHeader("x-ratelimit-remaining", "0")
          .putHeader("x-ratelimit-used", "5000")
          .putHeader("x-ratelimit-reset", String.valueOf(now));
      error(ctx, 403, "API rate limit exceeded for user ID 1.");
      return;
    }
    ctx.response()
        .putHeader("x-ratelimit-limit", "5000")
        .putHeader("x-ratelimit-remaining", "4999")
        .putHeader("x-github-api-version-selected", "2022-11-28");
    ctx.next();
  }

  private void dispatch(RoutingContext ctx) {
    Workflow workflow = workflow(ctx);
    if (workflow == null) {
      error(ctx, 404, "Not Found");
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      error(ctx, 400, "Problems parsing JSON");
      return;
    }
    if (body == null || !(body.getValue("ref") instanceof String ref)) {
      error(ctx, 422, "Invalid request.\n\n\"ref\" wasn't supplied.");
      return;
    }
    String branch = ref.replaceFirst("^refs/(heads|tags)/", "");
    if (!refs.contains(branch)) {
      error(ctx, 422, "No ref found for: " + ref);
      return;
    }
    if (refusedStatus != 0) {
      error(ctx, refusedStatus, refusedMessage);
      return;
    }
    JsonObject inputs = body.getJsonObject("inputs", new JsonObject());
    dispatches.add(new Dispatch(workflow.owner(), workflow.repo(), workflow.file(), ref, inputs.copy()));
    Run run = new Run(nextRunId.getAndIncrement(), workflow, branch, Instant.now(), conclusion, hiddenFromList);
    runs.put(run.id, run);
    ctx.response().setStatusCode(204).end();
  }

  private void listRuns(RoutingContext ctx) {
    Workflow workflow = workflow(ctx);
    if (workflow == null) {
      error(ctx, 404, "Not Found");
      return;
    }
    String event = ctx.queryParams().get("event");
    String branch = ctx.queryParams().get("branch");
    // GitHub's status filter takes a status or a conclusion.
    String status = ctx.queryParams().get("status");
    int perPage = Integer.parseInt(ctx.queryParams().get("per_page") == null ? "30" : ctx.queryParams().get("per_page"));
    List<Run> matching = new ArrayList<>();
    for (Run run : runs.values()) {
      if (run.workflow.equals(workflow) && (event == null || event.equals("workflow_dispatch"))
          && (branch == null || branch.equals(run.branch))
          && (status == null || status.equals(run.status()) || status.equals(run.conclusion())) && run.listed()) {
        matching.add(run);
      }
    }
    matching.sort(Comparator.comparing((Run run) -> run.createdAt).thenComparingLong(run -> run.id).reversed());
    JsonArray page = new JsonArray();
    matching.stream().limit(perPage).forEach(run -> page.add(run.toJson()));
    json(ctx, 200, new JsonObject().put("total_count", matching.size()).put("workflow_runs", page));
  }

  private void getRun(RoutingContext ctx) {
    Run run = run(ctx);
    if (run == null) {
      error(ctx, 404, "Not Found");
      return;
    }
    run.read();
    json(ctx, 200, run.toJson());
  }

  private void cancel(RoutingContext ctx) {
    Run run = run(ctx);
    if (run == null) {
      error(ctx, 404, "Not Found");
      return;
    }
    if (run.status().equals("completed")) {
      error(ctx, 409, "Cannot cancel a workflow run that is completed.");
      return;
    }
    run.cancel();
    cancelled.add(run.id);
    json(ctx, 202, new JsonObject());
  }

  private Workflow workflow(RoutingContext ctx) {
    String owner = ctx.pathParam("owner");
    String repo = ctx.pathParam("repo");
    String name = ctx.pathParam("workflow");
    Workflow byFile = workflows.get(key(owner, repo, name));
    if (byFile != null) {
      return byFile;
    }
    return workflows.values().stream()
        .filter(w -> w.owner().equals(owner) && w.repo().equals(repo) && String.valueOf(w.id()).equals(name))
        .findFirst()
        .orElse(null);
  }

  private Run run(RoutingContext ctx) {
    try {
      Run run = runs.get(Long.parseLong(ctx.pathParam("id")));
      return run != null && run.workflow.owner().equals(ctx.pathParam("owner"))
          && run.workflow.repo().equals(ctx.pathParam("repo")) ? run : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String key(String owner, String repo, String file) {
    return owner + "/" + repo + "/" + file;
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("message", message).put("documentation_url", DOCS).put("status", String.valueOf(status)));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  /** One accepted dispatch, as the test wrote it: the ref and the inputs GitHub received. */
  public record Dispatch(String owner, String repo, String workflow, String ref, JsonObject inputs) {}

  private record Workflow(String owner, String repo, String file, long id) {}

  /** A run whose status follows the number of times it has been read. */
  private final class Run {

    final long id;
    final Workflow workflow;
    final String branch;
    final Instant createdAt;
    final String finalConclusion;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger listingsHidden;
    volatile boolean wasCancelled;
    volatile String headSha = "4f1d2c9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e";

    Run(long id, Workflow workflow, String branch, Instant createdAt, String finalConclusion, int hiddenListings) {
      this.id = id;
      this.workflow = workflow;
      this.branch = branch;
      this.createdAt = createdAt.truncatedTo(ChronoUnit.SECONDS);
      this.finalConclusion = finalConclusion;
      this.listingsHidden = new AtomicInteger(hiddenListings);
    }

    /** Hidden for its first few listings, like a run GitHub has not indexed yet. */
    boolean listed() {
      return listingsHidden.getAndUpdate(left -> Math.max(0, left - 1)) <= 0;
    }

    void read() {
      reads.incrementAndGet();
    }

    void cancel() {
      wasCancelled = true;
    }

    String status() {
      if (wasCancelled) {
        return "completed";
      }
      int read = reads.get();
      if (read <= readsPerStatus) {
        return "queued";
      }
      if (finalConclusion == null || read <= 2 * readsPerStatus) {
        return "in_progress";
      }
      return "completed";
    }

    String conclusion() {
      if (wasCancelled) {
        return "cancelled";
      }
      return status().equals("completed") ? finalConclusion : null;
    }

    JsonObject toJson() {
      String status = status();
      String created = createdAt.toString();
      return new JsonObject()
          .put("id", id)
          .put("name", "Deploy")
          .put("display_title", "Deploy")
          .put("run_number", id - 9_100_000_000L)
          .put("event", "workflow_dispatch")
          .put("status", status)
          .put("conclusion", conclusion())
          .put("workflow_id", workflow.id())
          .put("head_branch", branch)
          .put("head_sha", headSha)
          .put("url", "https://api.github.com/repos/" + workflow.owner() + "/" + workflow.repo() + "/actions/runs/" + id)
          .put("html_url", "https://github.com/" + workflow.owner() + "/" + workflow.repo() + "/actions/runs/" + id)
          .put("created_at", created)
          .put("updated_at", created)
          .put("run_started_at", created);
    }
  }
}
