package dev.preflight.bot.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import java.io.InputStream;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * How the bot's logging is chosen: its own configuration, found by logback through the service
 * loader (no XML to parse at start), unless a logback-test.xml (the tests') or a
 * {@code logback.configurationFile} is there to take over.
 */
class LogConfigurationTest {

  @Test
  void logbackFindsTheBotsConfigurationThroughTheServiceLoader() throws Exception {
    List<String> found = ServiceLoader.load(ch.qos.logback.classic.spi.Configurator.class).stream()
        .map(provider -> provider.type().getName()).toList();
    assertTrue(found.contains(LogConfiguration.class.getName()), found.toString());
    try (InputStream xml = LogConfiguration.class.getResourceAsStream("/logback.xml")) {
      org.junit.jupiter.api.Assertions.assertNull(xml, "a logback.xml beside it would be a second, unused description of the logging");
    }
  }

  @Test
  void aLogbackTestXmlOnTheClassPathTakesOverAndNothingIsInstalled() {
    assertTrue(LogConfiguration.class.getClassLoader().getResource("logback-test.xml") != null,
        "the test class path has one");
    LoggerContext context = new LoggerContext();
    LogConfiguration configuration = new LogConfiguration();
    configuration.setContext(context);
    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, configuration.configure(context));
    assertFalse(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext());
    context.stop();
  }

  @Test
  void installedItWritesJsonThroughTheQueueAndSendsErrorsToSentryWithLibrariesQuieter() {
    LoggerContext context = ShippedLogging.load("http://key@127.0.0.1:9/1");
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertEquals(Level.INFO, root.getLevel());
    assertTrue(root.getAppender("ASYNC") instanceof ch.qos.logback.classic.AsyncAppender);
    assertTrue(root.getAppender("SENTRY") instanceof io.sentry.logback.SentryAppender);
    assertTrue(ShippedLogging.appender(context, "STDOUT") instanceof ch.qos.logback.core.ConsoleAppender);
    for (String library : List.of("io.zonky", "org.flywaydb", "io.netty", "software.amazon", "com.slack.api")) {
      assertEquals(Level.WARN, context.getLogger(library).getLevel(), library);
    }
    context.stop();
    io.sentry.Sentry.close();
  }
}
