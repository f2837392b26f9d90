package dev.preflight.bot.observe;

import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.SentryOptions;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sentry's {@code beforeSend}: every free-text field of an event (message and its parameters,
 * exception values, tags, extras, the MDC context, breadcrumbs) through {@link SecretMask}
 * before it leaves the process.
 */
public final class SentryMasking implements SentryOptions.BeforeSendCallback {

  @Override
  public SentryEvent execute(SentryEvent event, Hint hint) {
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
    // sentry-logback puts the MDC entries that are not tags into a context of their own.
    if (event.getContexts().get("MDC") instanceof Map<?, ?> mdc) {
      Map<String, String> masked = new LinkedHashMap<>();
      mdc.forEach((key, value) -> masked.put(String.valueOf(key), mask.mask(String.valueOf(value))));
      event.getContexts().put("MDC", masked);
    }
    if (event.getBreadcrumbs() != null) {
      for (Breadcrumb breadcrumb : event.getBreadcrumbs()) {
        breadcrumb.setMessage(mask.mask(breadcrumb.getMessage()));
      }
    }
    return event;
  }
}
