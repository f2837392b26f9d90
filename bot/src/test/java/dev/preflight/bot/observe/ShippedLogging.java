package dev.preflight.bot.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import java.net.URL;
import java.util.List;
import org.slf4j.MDC;

/**
 * The logging the bot ships ({@code src/main/resources/logback.xml}, not the test one), loaded
 * into a logger context of its own so a test logs through exactly what production does.
 */
final class ShippedLogging {

  private ShippedLogging() {}

  static LoggerContext load() {
    URL shipped = ShippedLogging.class.getResource("/logback.xml");
    if (shipped == null) {
      throw new IllegalStateException("logback.xml is not on the class path");
    }
    LoggerContext context = new LoggerContext();
    // The MDC the code under test writes to through org.slf4j.MDC.
    context.setMDCAdapter(MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(shipped);
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
    List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
        .filter(status -> status.getEffectiveLevel() >= Status.WARN)
        .toList();
    if (!problems.isEmpty()) {
      throw new IllegalStateException("logback.xml has problems: " + problems);
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
      throw new IllegalStateException("logback.xml has no appender " + name);
    }
    return appender;
  }
}
