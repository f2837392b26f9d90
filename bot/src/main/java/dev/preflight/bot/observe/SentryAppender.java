package dev.preflight.bot.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.sentry.Sentry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.protocol.Message;

/**
 * Sends every event logged at ERROR to Sentry, with its exception. The Sentry 8.20 artifacts
 * on hand have no logback integration, and an error the bot only logs is still one an operator
 * wants raised. Does nothing while Sentry is not initialised ({@code SENTRY_DSN} unset); the
 * masking happens in Sentry's {@code beforeSend} ({@link SentryReporting}).
 */
public final class SentryAppender extends AppenderBase<ILoggingEvent> {

  @Override
  protected void append(ILoggingEvent event) {
    if (!event.getLevel().isGreaterOrEqual(Level.ERROR) || !Sentry.isEnabled()) {
      return;
    }
    IThrowableProxy thrown = event.getThrowableProxy();
    SentryEvent report = thrown instanceof ThrowableProxy proxy
        ? new SentryEvent(proxy.getThrowable())
        : new SentryEvent();
    Message message = new Message();
    message.setFormatted(event.getFormattedMessage());
    report.setMessage(message);
    report.setLevel(SentryLevel.ERROR);
    report.setLogger(event.getLoggerName());
    report.setTag("thread", event.getThreadName());
    event.getMDCPropertyMap().forEach(report::setTag);
    Sentry.captureEvent(report);
  }
}
