package dev.preflight.bot.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Writes each log event as one JSON object on one line, so a log shipper can index the fields
 * without parsing prose: time, level, logger, thread, message, exception, and the MDC entries.
 * Every string goes through {@link SecretMask#current()} first; a token that slipped into a
 * message or a stack trace is masked before it is written.
 */
public final class JsonLinesEncoder extends EncoderBase<ILoggingEvent> {

  private static final byte[] NOTHING = new byte[0];
  private static final Set<String> OWN_FIELDS = Set.of("time", "level", "logger", "thread", "message", "exception");

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return (line(event) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  /** The event as a JSON object, without the line break. */
  static String line(ILoggingEvent event) {
    SecretMask mask = SecretMask.current();
    JsonObject json = new JsonObject()
        .put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("thread", mask.mask(event.getThreadName()))
        .put("message", mask.mask(event.getFormattedMessage()));
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      json.put("exception", mask.mask(ThrowableProxyUtil.asString(thrown)));
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach((key, value) -> {
        if (key != null && !OWN_FIELDS.contains(key)) {
          json.put(key, mask.mask(value));
        }
      });
    }
    return json.encode();
  }
}
