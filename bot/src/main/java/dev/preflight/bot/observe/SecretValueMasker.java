package dev.preflight.bot.observe;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

/**
 * Puts every string the JSON log encoder writes (message, stack trace, thread, MDC values)
 * through {@link SecretMask#current()}, so a token that slipped into any of them is masked
 * before the line is written. Set up by {@link LogConfiguration}.
 */
public final class SecretValueMasker implements ValueMasker {

  @Override
  public Object mask(JsonStreamContext context, Object value) {
    if (!(value instanceof CharSequence text)) {
      return null;
    }
    String original = text.toString();
    String masked = SecretMask.current().mask(original);
    // null tells the encoder to write the value as it was.
    return masked.equals(original) ? null : masked;
  }
}
