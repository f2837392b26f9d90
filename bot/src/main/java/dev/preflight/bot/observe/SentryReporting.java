package dev.preflight.bot.observe;

import dev.preflight.checklists.deploy.Deployment;
import dev.preflight.checklists.run.RunStatus;
import dev.preflight.deploy.run.RunMdc;
import dev.preflight.deploy.run.TrackedRun;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.protocol.Message;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error reporting to Sentry: off unless a DSN is given. The bot's own faults reach it as ERROR
 * log lines through sentry-logback's appender ({@link LogConfiguration}), so each is logged and
 * reported once; runs that end badly are reported as their own events, tagged so an operator can
 * find the run. Every event passes through {@link SentryMasking} before it leaves the process.
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
    // Replaces the start the logback appender may have made from the environment, with the same masking.
    Sentry.init(options -> {
      options.setDsn(dsn.get());
      environment.ifPresent(options::setEnvironment);
      options.setSendDefaultPii(false);
      // Uncaught errors are logged by our handler and reach Sentry through the appender, once.
      options.setEnableUncaughtExceptionHandler(false);
      options.setBeforeSend(new SentryMasking());
      RunMdc.KEYS.forEach(options::addContextTag);
      options.setForceInit(true);
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
}
