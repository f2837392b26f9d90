package dev.preflight.handlers.command;

import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.deploy.run.DeployRuns;
import dev.preflight.deploy.run.Origin;
import dev.preflight.handlers.Replies;
import dev.preflight.handlers.Roles;
import dev.preflight.checklists.deploy.DeployRules;
import dev.preflight.handlers.render.Mrkdwn;
import dev.preflight.handlers.render.RefusalText;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens a deploy run for a request that passed the config's checks, whether it was typed or
 * picked in the modal, so both are told the same things in the same way.
 */
public final class DeployOpener {

  private final PreflightConfig config;
  private final DeployRuns deploys;
  private final Roles roles;
  private final DeployReplies replies;
  private final Context loop;

  public DeployOpener(PreflightConfig config, DeployRuns deploys, Roles roles, DeployReplies replies, Context loop) {
    this.config = config;
    this.deploys = deploys;
    this.roles = roles;
    this.replies = replies;
    this.loop = loop;
  }

  /**
   * Looks the person's roles up and opens the run, on the event loop; a refusal is told privately
   * to {@code asker}. Returns at once.
   */
  public void open(DeployCheck.Passed passed, Replies.To asker, String source) {
    String user = asker.user();
    loop.runOnContext(v -> roles.of(user)
        .compose(held -> deploys.open(passed.service().name(), passed.version(), passed.environment().name(), held,
            new Origin(user, source)))
        .onFailure(e -> replies.explain(asker, e)));
  }

  /**
   * The refusal the ack carries when the person's roles are already known (cached group members)
   * and none of them may deploy to the environment; empty when they may, or when that is not
   * known yet.
   */
  public Optional<String> refusedAtAck(DeployCheck.Passed passed, String user) {
    return roles.known(user)
        .flatMap(held -> DeployRules.deployerRefusal(passed.environment(), passed.service().name(), held))
        .map(RefusalText::mrkdwn);
  }

  /** Starts reading the person's roles now, so a deploy form they submit soon is judged at its ack. */
  public void lookUpRoles(String user) {
    loop.runOnContext(v -> roles.of(user));
  }

  /**
   * The refusal a deploy form's submit answers with when the person may not deploy there: judged on
   * the roles known now, else on a fresh read that is waited for up to {@code wait}. Only a worker
   * thread waits (Bolt runs listeners on one); on an event loop only known roles count. Empty when
   * they may deploy, or when their roles could not be read in time: the run's own check then
   * decides, and its refusal comes privately.
   */
  public Optional<String> refusedAtSubmit(DeployCheck.Passed passed, String user, Duration wait) {
    Optional<Set<String>> held = roles.known(user);
    if (held.isEmpty() && !Context.isOnEventLoopThread()) {
      held = readWithin(user, wait);
    }
    return held.flatMap(known -> DeployRules.deployerRefusal(passed.environment(), passed.service().name(), known))
        .map(RefusalText::mrkdwn);
  }

  private Optional<Set<String>> readWithin(String user, Duration wait) {
    CompletableFuture<Set<String>> read = new CompletableFuture<>();
    loop.runOnContext(v -> roles.of(user).onSuccess(read::complete).onFailure(read::completeExceptionally));
    try {
      return Optional.of(read.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException | ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * What the person is told at once: what opens, and where; or, while their roles are not known
   * yet, that their role is being checked, so nothing is promised that a refusal takes back.
   */
  public String ack(DeployCheck.Passed passed, String user) {
    return ack(passed, user, "here");
  }

  /**
   * As {@link #ack}, for the deploy form as it closes: a modal is no conversation, so the words
   * name where a later refusal really arrives, which is where {@code asker} sends it: through the
   * {@code /deploy}'s response_url, privately where it was typed; without one, by direct message.
   */
  public String ackForForm(DeployCheck.Passed passed, String user, Replies.To asker) {
    return ack(passed, user, asker.responseUrl() == null ? "in a direct message"
        : "privately in the conversation where you typed `/deploy`");
  }

  private String ack(DeployCheck.Passed passed, String user, String refusalComes) {
    if (roles.known(user).isPresent()) {
      return opening(passed);
    }
    return "Checking your role for a deploy of *" + Mrkdwn.escape(passed.service().name()) + "* `"
        + Mrkdwn.escape(passed.version()) + "` to *" + Mrkdwn.escape(passed.environment().name()) + "*… "
        + "If you may deploy there, its message opens"
        + passed.channelId(config).map(id -> " in <#" + id + ">").orElse("") + "; if not, I will tell you "
        + refusalComes + ".";
  }

  /** What the person is told at once: what opens, and where. */
  public String opening(DeployCheck.Passed passed) {
    return "Opening a deploy of *" + Mrkdwn.escape(passed.service().name()) + "* `"
        + Mrkdwn.escape(passed.version()) + "` to *" + Mrkdwn.escape(passed.environment().name()) + "*"
        + passed.channelId(config).map(id -> " in <#" + id + ">").orElse("") + "…";
  }
}
