package dev.preflight.handlers.slack;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Slack accepts the bot token, asked with {@code auth.test} at start and every
 * {@link #EVERY} after. Slack's refusal of the token ({@code invalid_auth}, {@code token_revoked},
 * …) makes the bot not ready, with that reason; a call that did not get Slack's verdict (a 5xx,
 * a timeout, a 429) changes nothing, so a short Slack outage does not take every replica out of
 * the load balancer, and a known bad token stays known.
 */
public final class BotTokenCheck {

  private static final Logger LOG = LoggerFactory.getLogger(BotTokenCheck.class);

  /** How often the token is asked about after the first time. */
  public static final Duration EVERY = Duration.ofMinutes(5);

  // Slack's answers about the token itself, as opposed to about the call.
  private static final Set<String> TOKEN_REFUSED = Set.of("invalid_auth", "not_authed", "account_inactive",
      "token_revoked", "token_expired", "no_permission", "org_login_required", "ekm_access_denied",
      "team_access_not_granted", "missing_scope", "not_allowed_token_type");

  private final SlackApi slack;
  /** Why Slack refused the token at the last verdict; null while it accepted it or has not answered. */
  private volatile String refused;
  private volatile boolean checked;
  private Vertx vertx;
  private long timer = -1;

  public BotTokenCheck(SlackApi slack) {
    this.slack = slack;
  }

  /** Checks now, then every {@code every}. */
  public BotTokenCheck start(Vertx vertx, Duration every) {
    this.vertx = vertx;
    check();
    timer = vertx.setPeriodic(every.toMillis(), id -> check());
    return this;
  }

  public void stop() {
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One {@code auth.test}, once, without retries: the next round is the retry. Completes when its verdict is kept. */
  public Future<Void> check() {
    return slack.call("auth.test", null, SlackBudget.Priority.FINAL, slack.policy().once(), m -> m.authTest(r -> r))
        .onSuccess(answer -> {
          if (refused != null) {
            LOG.info("Slack accepts the bot token again (bot user {})", answer.getUserId());
          }
          refused = null;
          checked = true;
        })
        .onFailure(this::judge)
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private void judge(Throwable failure) {
    if (failure instanceof SlackCallException call && TOKEN_REFUSED.contains(call.error())) {
      if (!call.error().equals(refused)) {
        LOG.error("Slack rejected the bot token (SLACK_BOT_TOKEN): {}", call.error());
      }
      refused = call.error();
      checked = true;
      return;
    }
    LOG.warn("Could not ask Slack about the bot token; keeping the last answer: {}", failure.getMessage());
  }

  /** What makes the bot not ready, in words for /readyz; empty while the token was last accepted or not yet judged. */
  public Optional<String> problem() {
    String reason = refused;
    return reason == null ? Optional.empty() : Optional.of("Slack rejected the bot token: " + reason);
  }

  /** {@code accepted}, {@code rejected}, or {@code unchecked} before Slack's first verdict. */
  public String state() {
    if (!checked) {
      return "unchecked";
    }
    return refused == null ? "accepted" : "rejected";
  }
}
