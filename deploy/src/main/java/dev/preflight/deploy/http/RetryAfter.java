package dev.preflight.deploy.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code Retry-After} header of a rate-limited or unavailable answer (RFC 9110 §10.2.3):
 * either a whole number of seconds or an HTTP date. The Slack and GitHub clients both wait by it.
 */
public final class RetryAfter {

  private static final Pattern SECONDS = Pattern.compile("\\d{1,18}");

  private RetryAfter() {}

  /**
   * How long the server asks to wait, counted from {@code now}; a date already past asks for no
   * wait. Empty when the header is absent or is neither form.
   */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.trim();
    if (SECONDS.matcher(value).matches()) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The wait, kept between {@code shortest} and {@code longest}: a server asking for no wait (or
   * for an hour) must not make a client hammer it (or hang). Empty as {@link #parse} is.
   */
  public static Optional<Duration> parse(String header, Instant now, Duration shortest, Duration longest) {
    return parse(header, now).map(wait -> wait.compareTo(shortest) < 0 ? shortest
        : wait.compareTo(longest) > 0 ? longest : wait);
  }
}
