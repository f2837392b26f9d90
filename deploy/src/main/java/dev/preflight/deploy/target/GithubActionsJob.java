package dev.preflight.deploy.target;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.target.GithubActionsClient.Workflow;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dispatch of a workflow, found and followed to its conclusion. GitHub's dispatch call does
 * not say which run it started, so the run is recognised afterwards: the newest
 * workflow_dispatch run on the ref, created after the dispatch (give or take clock skew), that
 * no other deploy of this bot has claimed.
 *
 * <p>The journal is written so that a restart never dispatches twice: the intent
 * ({@code dispatchedAt}) before the call, the fact ({@code dispatched}) after it, then the run.
 * A restart that finds only the intent looks for the run before it dispatches again.
 */
final class GithubActionsJob {

  static final String DISPATCHED_AT = "dispatchedAt";
  static final String DISPATCHED = "dispatched";
  static final String RUN_ID = "runId";
  static final String RUN_URL = "runUrl";

  static final String ABORTED = "Aborted";
  /** Our clock and GitHub's may disagree by this much about when the run was created. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(5);
  /** How many times to look for the run after a dispatch GitHub accepted. */
  static final int FIND_POLLS = 12;
  /** How many times to look for a run that may or may not have been dispatched. */
  static final int RESUME_POLLS = 3;

  private static final Logger LOG = LoggerFactory.getLogger(GithubActionsJob.class);

  private final Vertx vertx;
  private final GithubActionsClient client;
  private final Workflow workflow;
  private final String ref;
  private final Map<String, String> inputs;
  private final Duration timeout;
  private final Duration pollInterval;
  private final Set<Long> claimed;
  private final TargetJournal journal;
  private final Redactor redactor;
  private Instant dispatchedAt;
  private volatile Promise<Void> pause;

  /**
   * @param inputs with every placeholder and variable already filled in
   * @param claimed ids of runs already taken by some deploy of this bot, shared between jobs
   */
  GithubActionsJob(Vertx vertx, GithubActionsClient client, Workflow workflow, String ref, Map<String, String> inputs,
      Duration timeout, Duration pollInterval, Set<Long> claimed, TargetJournal journal, Redactor redactor) {
    this.vertx = vertx;
    this.client = client;
    this.workflow = workflow;
    this.ref = ref;
    this.inputs = inputs;
    this.timeout = timeout;
    this.pollInterval = pollInterval;
    this.claimed = claimed;
    this.journal = journal;
    this.redactor = redactor;
    journal.aborted().onSuccess(v -> stopPausing());
    journal.stopping().onSuccess(v -> stopPausing());
  }

  Future<TargetOutcome> run() {
    Map<String, String> state = journal.state();
    dispatchedAt = instant(state.get(DISPATCHED_AT));
    if (state.containsKey(RUN_ID)) {
      long runId = Long.parseLong(state.get(RUN_ID));
      claimed.add(runId);
      if (dispatchedAt == null) {
        dispatchedAt = Instant.now();
      }
      return follow(runId, state.getOrDefault(RUN_URL, ""));
    }
    if ("true".equals(state.get(DISPATCHED)) && dispatchedAt != null) {
      return find(FIND_POLLS).compose(found -> found.map(this::adopt).orElseGet(this::noRunStarted));
    }
    if (dispatchedAt != null) {
      // The bot stopped between recording the intent and recording the dispatch: GitHub may or may not have it.
      return find(RESUME_POLLS).compose(found -> found.map(this::adopt).orElseGet(this::dispatchAgain));
    }
    if (aborted() || stopping()) {
      return outcome(TargetOutcome.failure(ABORTED, null));
    }
    dispatchedAt = Instant.now();
    return journal.record(Map.of(DISPATCHED_AT, dispatchedAt.toString()))
        .transform(stored -> stored.succeeded()
            ? dispatch()
            : outcome(TargetOutcome.failure("Could not record the dispatch of " + workflow.workflow()
                + ", so it was not sent: " + stored.cause().getMessage(), null)));
  }

  /** After a restart that left only the intent: dispatch, unless the deploy was stopped or is long overdue. */
  private Future<TargetOutcome> dispatchAgain() {
    if (aborted() || stopping()) {
      return outcome(TargetOutcome.failure(ABORTED, null));
    }
    if (pastDeadline()) {
      return outcome(TargetOutcome.failure("timed out after " + Spans.format(timeout)
          + " before GitHub was asked to start " + workflow.workflow(), null));
    }
    return dispatch();
  }

  private Future<TargetOutcome> dispatch() {
    journal.progress("Starting the workflow", workflow.workflow() + " on " + ref);
    return client.dispatch(workflow, ref, inputs).transform(sent -> {
      if (sent.succeeded()) {
        return bestEffort(Map.of(DISPATCHED, "true"))
            .compose(v -> find(FIND_POLLS))
            .compose(found -> found.map(this::adopt).orElseGet(this::noRunStarted));
      }
      if (sent.cause() instanceof GithubActionsException refused) {
        return outcome(TargetOutcome.failure("GitHub refused to start " + workflow.workflow() + ": "
            + refused.getMessage(), null));
      }
      // No answer does not mean GitHub never got it: look before giving up.
      return find(RESUME_POLLS).compose(found -> found.map(this::adopt).orElseGet(() -> outcome(TargetOutcome.failure(
          "Could not reach GitHub to start " + workflow.workflow() + ": " + reason(sent.cause()), null))));
    });
  }

  private Future<TargetOutcome> noRunStarted() {
    if (aborted()) {
      return outcome(TargetOutcome.failure(ABORTED, "The workflow was dispatched, but its run was not found to cancel."));
    }
    return outcome(TargetOutcome.failure("GitHub started no run of " + workflow.workflow() + " on " + ref
        + " that could be found", null));
  }

  /** Looks for our run up to {@code polls} times; stops early on an abort or past the deadline. */
  private Future<Optional<GithubActionsRun>> find(int polls) {
    journal.progress("Waiting for the workflow run to start", workflow.workflow() + " on " + ref);
    Promise<Optional<GithubActionsRun>> found = Promise.promise();
    look(polls, found);
    return found.future();
  }

  private void look(int pollsLeft, Promise<Optional<GithubActionsRun>> found) {
    client.dispatchedRuns(workflow, branch(ref)).onComplete(listed -> {
      Optional<GithubActionsRun> run = listed.succeeded() ? claimNewest(listed.result()) : Optional.empty();
      if (listed.failed()) {
        LOG.debug("Listing runs of {} failed: {}", workflow.workflow(), redactor.redact(listed.cause().getMessage()));
      }
      if (run.isPresent() || pollsLeft <= 1 || aborted() || stopping() || pastDeadline()) {
        found.complete(run);
      } else {
        pause().onComplete(v -> look(pollsLeft - 1, found));
      }
    });
  }

  /** Takes the newest unclaimed run created since the dispatch; claiming is atomic across jobs. */
  private Optional<GithubActionsRun> claimNewest(List<GithubActionsRun> runs) {
    Instant earliest = dispatchedAt.minus(CLOCK_SKEW);
    return runs.stream()
        .filter(run -> "workflow_dispatch".equals(run.event()))
        .filter(run -> run.createdAt() != null && !run.createdAt().isBefore(earliest))
        .sorted(Comparator.comparing(GithubActionsRun::createdAt).thenComparing(GithubActionsRun::id).reversed())
        .filter(run -> claimed.add(run.id()))
        .findFirst();
  }

  private Future<TargetOutcome> adopt(GithubActionsRun run) {
    return bestEffort(Map.of(RUN_ID, String.valueOf(run.id()), RUN_URL, run.htmlUrl()))
        .compose(v -> follow(run.id(), run.htmlUrl()));
  }

  private Future<TargetOutcome> follow(long runId, String runUrl) {
    Promise<TargetOutcome> done = Promise.promise();
    poll(runId, runUrl, null, done);
    return done.future();
  }

  private void poll(long runId, String runUrl, String shownStatus, Promise<TargetOutcome> done) {
    client.run(workflow, runId).onComplete(asked -> {
      String status = shownStatus;
      String url = runUrl;
      if (asked.succeeded()) {
        GithubActionsRun run = asked.result();
        url = run.htmlUrl().isEmpty() ? runUrl : run.htmlUrl();
        if (run.completed()) {
          done.complete(concluded(run, url));
          return;
        }
        status = run.status();
        if (!status.equals(shownStatus)) {
          journal.progress("Following the workflow", "status " + status + " · " + url);
        }
      } else if (asked.cause() instanceof GithubActionsException lost && lost.permanent()) {
        done.complete(TargetOutcome.failure(redactor.redact("Lost track of the workflow run: " + lost.getMessage()),
            redactor.redact(url)));
        return;
      }
      if (stopping()) {
        done.complete(TargetOutcome.failure("Stopped following the workflow run", redactor.redact(url)));
      } else if (aborted()) {
        cancel(runId, url).onComplete(detail -> done.complete(TargetOutcome.failure(ABORTED, detail.result())));
      } else if (pastDeadline()) {
        cancel(runId, url).onComplete(detail -> done.complete(
            TargetOutcome.failure("timed out after " + Spans.format(timeout), detail.result())));
      } else {
        String nextUrl = url;
        String nextStatus = status;
        pause().onComplete(v -> poll(runId, nextUrl, nextStatus, done));
      }
    });
  }

  private TargetOutcome concluded(GithubActionsRun run, String url) {
    String summary = redactor.redact("Workflow " + workflow.workflow() + " concluded " + run.conclusion());
    return run.succeeded()
        ? TargetOutcome.success(summary, url, null)
        : TargetOutcome.failure(summary, redactor.redact(url));
  }

  /** Best effort: a run left going after an abort or a timeout could deploy behind a rollback. */
  private Future<String> cancel(long runId, String url) {
    return client.cancel(workflow, runId)
        .map(v -> "Cancelled the workflow run " + url)
        .otherwise(failure -> {
          String reason = redactor.redact(reason(failure));
          LOG.warn("Could not cancel workflow run {}: {}", url, reason);
          return "Could not cancel the workflow run " + url + ": " + reason;
        })
        .map(redactor::redact);
  }

  /** Records a fact after the action; if the store fails, following the run is still the right thing. */
  private Future<Void> bestEffort(Map<String, String> entries) {
    return journal.record(entries).otherwise(failure -> {
      LOG.warn("Could not record {} for {}: {}", entries.keySet(), workflow.workflow(),
          redactor.redact(failure.getMessage()));
      return null;
    });
  }

  /** Waits one poll interval, or less if the run is aborted meanwhile. */
  private Future<Void> pause() {
    Promise<Void> waiting = Promise.promise();
    pause = waiting;
    vertx.setTimer(pollInterval.toMillis(), id -> waiting.tryComplete());
    if (aborted()) {
      waiting.tryComplete();
    }
    return waiting.future();
  }

  private void stopPausing() {
    Promise<Void> waiting = pause;
    if (waiting != null) {
      waiting.tryComplete();
    }
  }

  /** The bot is shutting down: the run is left as it is (never cancelled) for another replica to follow. */
  private boolean stopping() {
    return journal.stopping().isComplete();
  }

  private boolean aborted() {
    return journal.aborted().isComplete();
  }

  private boolean pastDeadline() {
    return Instant.now().isAfter(dispatchedAt.plus(timeout));
  }

  private Future<TargetOutcome> outcome(TargetOutcome outcome) {
    return Future.succeededFuture(new TargetOutcome(outcome.succeeded(), redactor.redact(outcome.summary()),
        outcome.revision(), redactor.redact(outcome.detail())));
  }

  /** The runs list filters on the branch or tag name, not on the full ref. */
  static String branch(String ref) {
    for (String prefix : List.of("refs/heads/", "refs/tags/")) {
      if (ref.startsWith(prefix)) {
        return ref.substring(prefix.length());
      }
    }
    return ref;
  }

  private static String reason(Throwable failure) {
    if (failure instanceof TimeoutException || failure instanceof ConnectTimeoutException) {
      return "no answer within " + Spans.format(GithubActionsClient.REQUEST_TIMEOUT);
    }
    if (failure instanceof ConnectException) {
      return "connection refused";
    }
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
