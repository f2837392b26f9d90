package dev.preflight.bot.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.Status;
import java.util.List;
import org.slf4j.MDC;

/**
 * The logging the bot ships ({@link LogConfiguration}, not the tests' logback-test.xml), built
 * into a logger context of its own so a test logs through exactly what production does.
 */
final class ShippedLogging {

  private ShippedLogging() {}

  /** The shipped logging as a bot with SENTRY_DSN set to {@code sentryDsn} builds it (a system property stands in). */
  static LoggerContext load(String sentryDsn) {
    System.setProperty(LogConfiguration.SENTRY_DSN, sentryDsn);
    try {
      return load();
    } finally {
      System.clearProperty(LogConfiguration.SENTRY_DSN);
    }
  }

  static LoggerContext load() {
    LoggerContext context = new LoggerContext();
    // The MDC the code under test writes to through org.slf4j.MDC.
    context.setMDCAdapter(MDC.getMDCAdapter());
    LogConfiguration.install(context);
    List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
        .filter(status -> status.getEffectiveLevel() >= Status.WARN)
        .toList();
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the shipped logging has problems: " + problems);
    }
    return context;
  }

  /** The root's appender {@code name}, or one of that name behind an asynchronous one. */
  static Appender<ILoggingEvent> appender(LoggerContext context, String name) {
    Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(name);
    if (appender == null && context.getLogger(Logger.ROOT_LOGGER_NAME)
        .getAppender("ASYNC") instanceof ch.qos.logback.core.AsyncAppenderBase<ILoggingEvent> async) {
      appender = async.getAppender(name);
    }
    if (appender == null) {
      throw new IllegalStateException("the shipped logging has no appender " + name);
    }
    return appender;
  }
}
