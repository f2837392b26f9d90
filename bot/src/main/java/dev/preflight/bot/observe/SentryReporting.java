package dev.preflight.bot.observe;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.TrackedRun;
import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error reporting to Sentry: off unless a DSN is given. Unhandled errors reach it as ERROR log
 * lines ({@link SentryAppender}), so each is logged and reported once; runs that end badly are
 * reported as their own events, tagged so an operator can find the run. Every event passes
 * through {@link SecretMask} before it leaves the process.
 */
public final class SentryReporting {

  private static final Logger LOG = LoggerFactory.getLogger(SentryReporting.class);

  /** The run outcomes somebody should look at; a rollback that worked is the system doing its job. */
  static final Set<RunStatus> REPORTED = Set.of(RunStatus.FAILED, RunStatus.ROLLBACK_FAILED);

  private SentryReporting() {}

  /**
   * Starts Sentry when {@code dsn} is present; answers whether it did.
   *
   * @param environment what Sentry files the bot's events under ({@code SENTRY_ENVIRONMENT})
   */
  public static boolean init(Optional<String> dsn, Optional<String> environment) {
    if (dsn.isEmpty()) {
      return false;
    }
    Sentry.init(options -> {
      options.setDsn(dsn.get());
      environment.ifPresent(options::setEnvironment);
      options.setSendDefaultPii(false);
      // Uncaught errors are logged by our handler and reach Sentry through the appender, once.
      options.setEnableUncaughtExceptionHandler(false);
      options.setBeforeSend(SentryReporting::masked);
    });
    return true;
  }

  /** Logs at ERROR what nothing else caught: on Vert.x's contexts and on any thread. */
  public static void catchUnhandled(Vertx vertx) {
    vertx.exceptionHandler(error -> LOG.error("Unhandled error on a Vert.x context", error));
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, error) -> LOG.error("Unhandled error on thread {}", thread.getName(), error));
  }

  /** Reports a run that ended FAILED or ROLLBACK_FAILED; any other run is ignored. */
  public static void failedRun(TrackedRun tracked) {
    RunStatus status = tracked.run().status();
    if (!REPORTED.contains(status) || !Sentry.isEnabled()) {
      return;
    }
    SentryEvent event = new SentryEvent();
    event.setLevel(SentryLevel.ERROR);
    event.setLogger(SentryReporting.class.getName());
    event.setTag("run_id", tracked.id());
    event.setTag("status", status.name());
    event.setTag("checklist", tracked.run().checklist().id());
    Deployment deploy = tracked.deployment();
    Message message = new Message();
    if (deploy != null) {
      event.setTag("service", deploy.service());
      event.setTag("environment", deploy.environment());
      event.setTag("version", deploy.version());
      message.setFormatted("Deploy of " + deploy.service() + " " + deploy.version() + " to " + deploy.environment()
          + " ended " + status + (deploy.failure() == null ? "" : ": " + deploy.failure()));
      // One issue per service, environment and outcome, not one per run.
      event.setFingerprints(List.of("preflight-run", deploy.service(), deploy.environment(), status.name()));
    } else {
      message.setFormatted("Checklist run " + tracked.id() + " ended " + status);
    }
    event.setMessage(message);
    Sentry.captureEvent(event);
  }

  /** The {@code beforeSend} hook: every free-text field through {@link SecretMask}. */
  static SentryEvent masked(SentryEvent event, Hint hint) {
    SecretMask mask = SecretMask.current();
    Message message = event.getMessage();
    if (message != null) {
      message.setFormatted(mask.mask(message.getFormatted()));
      message.setMessage(mask.mask(message.getMessage()));
      if (message.getParams() != null) {
        message.setParams(message.getParams().stream().map(mask::mask).toList());
      }
    }
    if (event.getExceptions() != null) {
      for (SentryException exception : event.getExceptions()) {
        exception.setValue(mask.mask(exception.getValue()));
      }
    }
    if (event.getTags() != null) {
      for (Map.Entry<String, String> tag : new HashMap<>(event.getTags()).entrySet()) {
        event.setTag(tag.getKey(), mask.mask(tag.getValue()));
      }
    }
    if (event.getExtras() != null) {
      for (Map.Entry<String, Object> extra : new HashMap<>(event.getExtras()).entrySet()) {
        event.setExtra(extra.getKey(), mask.mask(String.valueOf(extra.getValue())));
      }
    }
    if (event.getBreadcrumbs() != null) {
      for (Breadcrumb breadcrumb : event.getBreadcrumbs()) {
        breadcrumb.setMessage(mask.mask(breadcrumb.getMessage()));
      }
    }
    return event;
  }
}
