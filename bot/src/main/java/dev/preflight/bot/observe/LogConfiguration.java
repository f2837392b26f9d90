package dev.preflight.bot.observe;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.hook.DefaultShutdownHook;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.preflight.deploy.run.RunMdc;
import io.sentry.SentryOptions;
import io.sentry.logback.SentryAppender;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;

/**
 * The bot's logging, built in code rather than read from a {@code logback.xml}: parsing and
 * interpreting the XML (Joran) was the largest part of the few hundred milliseconds logging took
 * to set up at every start, before anything else could run (docs/packaging.md, "Start-up").
 *
 * <p>What it builds: one JSON object per line on stdout (logstash-logback-encoder) with the field
 * names the bot has always written (time in UTC, level, logger, thread, message, exception, and
 * every MDC entry), each string value through the bot's secret mask; written by a background
 * thread (ASYNC) that never makes an event loop wait; when SENTRY_DSN is set, ERROR lines to
 * Sentry (sentry-logback) with WARN and ERROR lines as breadcrumbs; a shutdown hook that stops
 * logging last.
 *
 * <p>A {@code logback.configurationFile} system property, or a {@code logback-test.xml} on the
 * class path (the tests'), still wins: this configurator then hands over to logback's own.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogConfiguration extends ContextAwareBase implements ch.qos.logback.classic.spi.Configurator {

  /** Where Sentry's DSN comes from: the environment, or a system property of that name. */
  static final String SENTRY_DSN = "SENTRY_DSN";

  /** Loggers whose INFO lines are their libraries' chatter. */
  static final Map<String, Level> QUIETER = Map.of("io.zonky", Level.WARN, "org.flywaydb", Level.WARN,
      "io.netty", Level.WARN, "software.amazon", Level.WARN, "com.slack.api", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
        || LogConfiguration.class.getClassLoader().getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    install(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Builds the bot's appenders into {@code context}, whatever else is on the class path. */
  static void install(LoggerContext context) {
    Thread hook = new Thread(shutdownHook(context), "Logback shutdown hook [" + context.getName() + "]");
    context.putObject(CoreConstants.SHUTDOWN_HOOK_THREAD, hook);
    Runtime.getRuntime().addShutdownHook(hook);

    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder(context));
    stdout.start();

    // The event loops hand their lines to a queue and go on; one thread writes them. neverBlock:
    // when the queue is full (stdout cannot keep up) further lines are dropped rather than making
    // an event loop wait. discardingThreshold 0: INFO lines are not thrown away early to make room.
    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("ASYNC");
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(true);
    async.setMaxFlushTime(1000);
    async.addAppender(stdout);
    async.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(async);
    String dsn = System.getProperty(SENTRY_DSN, System.getenv(SENTRY_DSN));
    // Without a DSN nothing is sent: the appender and Sentry's classes are left out of the start.
    if (dsn != null && !dsn.isBlank()) {
      root.addAppender(sentry(context, dsn));
    }
    QUIETER.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static DefaultShutdownHook shutdownHook(LoggerContext context) {
    DefaultShutdownHook hook = new DefaultShutdownHook();
    hook.setContext(context);
    return hook;
  }

  private static LogstashEncoder encoder(LoggerContext context) {
    LogstashEncoder encoder = new LogstashEncoder();
    encoder.setContext(context);
    encoder.setTimestampPattern("[ISO_INSTANT]");
    encoder.setTimeZone("UTC");
    encoder.getFieldNames().setTimestamp("time");
    encoder.getFieldNames().setVersion("[ignore]");
    encoder.getFieldNames().setLogger("logger");
    encoder.getFieldNames().setThread("thread");
    encoder.getFieldNames().setLevelValue("[ignore]");
    encoder.getFieldNames().setStackTrace("exception");
    MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
    masking.addValueMasker(new SecretValueMasker());
    masking.start();
    encoder.setJsonGeneratorDecorator(masking);
    encoder.start();
    return encoder;
  }

  /**
   * ERROR lines are the bot's own faults: the appender sends each to Sentry, masked by {@link
   * SentryMasking}, with the run's MDC keys as tags. It starts Sentry itself from {@code dsn} (read
   * as the bot reads SENTRY_DSN), until {@link SentryReporting#init} starts it again with the bot's
   * settings.
   */
  private static SentryAppender sentry(LoggerContext context, String dsn) {
    SentryOptions options = new SentryOptions();
    options.setDsn(dsn);
    RunMdc.KEYS.forEach(options::addContextTag);
    options.setBeforeSend(new SentryMasking());
    options.setEnableUncaughtExceptionHandler(false);
    SentryAppender appender = new SentryAppender();
    appender.setContext(context);
    appender.setName("SENTRY");
    appender.setMinimumEventLevel(Level.ERROR);
    appender.setMinimumBreadcrumbLevel(Level.WARN);
    appender.setOptions(options);
    appender.start();
    return appender;
  }
}
