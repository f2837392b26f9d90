package dev.preflight.deploy.target;

import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.time.Spans;
import dev.preflight.deploy.runner.FollowRunner;
import dev.preflight.deploy.runner.Observation;
import dev.preflight.deploy.runner.Rollout;
import dev.preflight.deploy.target.GithubActionsClient.Workflow;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
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
 * One dispatch of a workflow, found and followed to its conclusion, as {@link FollowRunner}
 * drives it. GitHub's dispatch call does not say which run it started, so the run is recognised
 * afterwards: the newest workflow_dispatch run on the ref, created after the dispatch (give or
 * take clock skew), that no other deploy of this bot has claimed. Until it is found, each look
 * is one listing of runs, and a bounded number of them decides that none was started.
 *
 * <p>The journal is written so that a restart never dispatches twice: the intent
 * ({@code dispatchedAt}) before the call, the fact ({@code dispatched}) after it, then the run.
 * A restart that finds only the intent looks for the run before it dispatches again.
 */
final class GithubActionsRollout implements Rollout {

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

  private static final Logger LOG = LoggerFactory.getLogger(GithubActionsRollout.class);
  private static final String FOLLOWING = "Following the workflow";
  private static final String WAITING = "Waiting for the workflow run to start";

  /** What a look does next. */
  private enum Phase {
    /** Nothing was sent: the run was aborted or the bot stopped before the dispatch. */
    NOT_SENT,
    /** GitHub accepted the dispatch: look for the run. */
    FINDING,
    /** Only the intent is on record: look for the run, then dispatch if none turned up. */
    RESUMING,
    /** The dispatch got no answer: look for the run, then give up. */
    UNANSWERED,
    /** The run is known: ask GitHub how it is going. */
    FOLLOWING
  }

  private final GithubActionsClient client;
  private final Workflow workflow;
  private final String ref;
  private final Map<String, String> inputs;
  private final Duration timeout;
  private final Set<Long> claimed;
  private final TargetJournal journal;
  private final Redactor redactor;
  private Phase phase = Phase.NOT_SENT;
  private int looksLeft;
  private String unanswered;
  private Instant dispatchedAt;
  private long runId;
  private String runUrl = "";

  /**
   * @param inputs with every placeholder and variable already filled in
   * @param claimed ids of runs already taken by some deploy of this bot, shared between rollouts
   */
  GithubActionsRollout(GithubActionsClient client, Workflow workflow, String ref, Map<String, String> inputs,
      Duration timeout, Set<Long> claimed, TargetJournal journal, Redactor redactor) {
    this.client = client;
    this.workflow = workflow;
    this.ref = ref;
    this.inputs = inputs;
    this.timeout = timeout;
    this.claimed = claimed;
    this.journal = journal;
    this.redactor = redactor;
  }

  @Override
  public Future<Observation> start() {
    Map<String, String> state = journal.state();
    dispatchedAt = instant(state.get(DISPATCHED_AT));
    if (state.containsKey(RUN_ID)) {
      runId = Long.parseLong(state.get(RUN_ID));
      runUrl = state.getOrDefault(RUN_URL, "");
      claimed.add(runId);
      if (dispatchedAt == null) {
        dispatchedAt = Instant.now();
      }
      phase = Phase.FOLLOWING;
      return running(FOLLOWING, runUrl);
    }
    if ("true".equals(state.get(DISPATCHED)) && dispatchedAt != null) {
      return looking(Phase.FINDING, FIND_POLLS);
    }
    if (dispatchedAt != null) {
      // The bot stopped between recording the intent and recording the dispatch: GitHub may or may not have it.
      return looking(Phase.RESUMING, RESUME_POLLS);
    }
    dispatchedAt = Instant.now();
    return journal.record(Map.of(DISPATCHED_AT, dispatchedAt.toString()))
        .transform(stored -> stored.succeeded()
            ? dispatch()
            : ended(Observation.failed("Could not record the dispatch of " + workflow.workflow()
                + ", so it was not sent: " + stored.cause().getMessage(), null)));
  }

  @Override
  public Instant deadline() {
    return (dispatchedAt == null ? Instant.now() : dispatchedAt).plus(timeout);
  }

  @Override
  public Future<Observation> observe() {
    return switch (phase) {
      case NOT_SENT -> running(WAITING, null);
      case FOLLOWING -> follow();
      case FINDING, RESUMING, UNANSWERED -> find();
    };
  }

  @Override
  public Future<TargetOutcome> stop(Halt why) {
    if (why == Halt.STOPPING) {
      // The bot is shutting down: the run is left as it is (never cancelled) for another replica to follow.
      return outcome(TargetOutcome.failure("Stopped following the workflow run", runUrl.isEmpty() ? null : runUrl));
    }
    String summary = why == Halt.ABORTED ? ABORTED : "timed out after " + Spans.format(timeout);
    if (phase == Phase.NOT_SENT && journal.state().containsKey(RUN_ID)) {
      // Aborted before this attempt started, but an earlier one found its run: that run must not deploy on.
      runId = Long.parseLong(journal.state().get(RUN_ID));
      runUrl = journal.state().getOrDefault(RUN_URL, "");
      phase = Phase.FOLLOWING;
    }
    if (phase == Phase.FOLLOWING) {
      return cancel().map(detail -> TargetOutcome.failure(redactor.redact(summary), detail));
    }
    return outcome(TargetOutcome.failure(summary, phase == Phase.NOT_SENT || phase == Phase.RESUMING
        ? null : "The workflow was dispatched, but its run was not found to cancel."));
  }

  @Override
  public TargetOutcome failed(Throwable failure) {
    return TargetOutcome.failure(redactor.redact("The GitHub Actions deploy failed: " + reason(failure)), null);
  }

  // --- dispatching ---------------------------------------------------------------------------------

  private Future<Observation> dispatch() {
    if (journal.aborted().isComplete() || journal.stopping().isComplete()) {
      phase = Phase.NOT_SENT;
      return running(WAITING, null);
    }
    journal.progress("Starting the workflow", workflow.workflow() + " on " + ref);
    return client.dispatch(workflow, ref, inputs).transform(sent -> {
      if (sent.succeeded()) {
        return bestEffort(Map.of(DISPATCHED, "true")).compose(v -> looking(Phase.FINDING, FIND_POLLS));
      }
      if (sent.cause() instanceof GithubActionsException refused && refused.permanent()) {
        // A 4xx is GitHub saying no: no run was started, so nothing in the environment changed.
        return ended(Observation.refused("GitHub refused to start " + workflow.workflow() + ": "
            + refused.getMessage()));
      }
      // No answer does not mean GitHub never got it: look before giving up.
      unanswered = reason(sent.cause());
      return looking(Phase.UNANSWERED, RESUME_POLLS);
    });
  }

  /** After a restart that left only the intent and no run turned up: dispatch, unless it is long overdue. */
  private Future<Observation> dispatchAgain() {
    if (Instant.now().isAfter(deadline())) {
      return ended(Observation.failed("timed out after " + Spans.format(timeout)
          + " before GitHub was asked to start " + workflow.workflow(), null));
    }
    return dispatch();
  }

  // --- finding the run -------------------------------------------------------------------------------

  private Future<Observation> looking(Phase next, int looks) {
    phase = next;
    looksLeft = looks;
    return running(WAITING, workflow.workflow() + " on " + ref);
  }

  /** One listing counts as one look whether or not GitHub answered it; the last one decides. */
  private Future<Observation> find() {
    return client.dispatchedRuns(workflow, branch(ref)).transform(listed -> {
      if (listed.failed()) {
        LOG.debug("Listing runs of {} failed: {}", workflow.workflow(), redactor.redact(listed.cause().getMessage()));
      }
      Optional<GithubActionsRun> run = listed.succeeded() ? claimNewest(listed.result()) : Optional.empty();
      if (run.isPresent()) {
        return adopt(run.get());
      }
      looksLeft--;
      if (looksLeft > 0) {
        return running(WAITING, workflow.workflow() + " on " + ref);
      }
      return switch (phase) {
        case RESUMING -> dispatchAgain();
        case UNANSWERED -> ended(Observation.failed("Could not reach GitHub to start " + workflow.workflow() + ": "
            + unanswered, null));
        default -> ended(Observation.failed("GitHub started no run of " + workflow.workflow() + " on " + ref
            + " that could be found", null));
      };
    });
  }

  /** Takes the newest unclaimed run created since the dispatch; claiming is atomic across rollouts. */
  private Optional<GithubActionsRun> claimNewest(List<GithubActionsRun> runs) {
    Instant earliest = dispatchedAt.minus(CLOCK_SKEW);
    return runs.stream()
        .filter(run -> "workflow_dispatch".equals(run.event()))
        .filter(run -> run.createdAt() != null && !run.createdAt().isBefore(earliest))
        .sorted(Comparator.comparing(GithubActionsRun::createdAt).thenComparing(GithubActionsRun::id).reversed())
        .filter(run -> claimed.add(run.id()))
        .findFirst();
  }

  private Future<Observation> adopt(GithubActionsRun run) {
    phase = Phase.FOLLOWING;
    runId = run.id();
    runUrl = run.htmlUrl();
    return bestEffort(Map.of(RUN_ID, String.valueOf(run.id()), RUN_URL, run.htmlUrl())).compose(v -> judge(run));
  }

  // --- following the run -------------------------------------------------------------------------------

  private Future<Observation> follow() {
    return client.run(workflow, runId).transform(asked -> {
      if (asked.succeeded()) {
        return judge(asked.result());
      }
      if (asked.cause() instanceof GithubActionsException lost && lost.permanent()) {
        return ended(Observation.failed("Lost track of the workflow run: " + lost.getMessage(), runUrl));
      }
      return Future.failedFuture(asked.cause());
    });
  }

  private Future<Observation> judge(GithubActionsRun run) {
    if (!run.htmlUrl().isEmpty()) {
      runUrl = run.htmlUrl();
    }
    if (!run.completed()) {
      return running(FOLLOWING, "status " + run.status() + " · " + runUrl);
    }
    String summary = "Workflow " + workflow.workflow() + " concluded " + run.conclusion();
    return ended(run.succeeded() ? Observation.succeeded(summary, runUrl, null) : Observation.failed(summary, runUrl));
  }

  /** Best effort: a run left going after an abort or a timeout could deploy behind a rollback. */
  private Future<String> cancel() {
    return client.cancel(workflow, runId)
        .map(v -> "Cancelled the workflow run " + runUrl)
        .otherwise(failure -> {
          String reason = redactor.redact(reason(failure));
          LOG.warn("Could not cancel workflow run {}: {}", runUrl, reason);
          return "Could not cancel the workflow run " + runUrl + ": " + reason;
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

  private Future<Observation> running(String step, String progress) {
    return Future.succeededFuture(Observation.running(step, progress == null ? null : redactor.redact(progress)));
  }

  private Future<Observation> ended(Observation end) {
    return outcome(end.outcome()).map(Observation::of);
  }

  private Future<TargetOutcome> outcome(TargetOutcome outcome) {
    return Future.succeededFuture(new TargetOutcome(outcome.succeeded(), redactor.redact(outcome.summary()),
        outcome.revision(), redactor.redact(outcome.detail()), outcome.neverStarted(), outcome.unknown()));
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
