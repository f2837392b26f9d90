package dev.preflight.bot.observe;

import dev.preflight.bot.BotSettings;
import dev.preflight.checklists.config.PreflightConfig;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what must never leave the process through a log line or an error report: anything
 * shaped like a Slack token or a bearer credential, the bot's own secrets, and the value of
 * every environment variable the config refers to as {@code ${NAME}}.
 *
 * <p>Logback builds its encoders from XML before the bot has read its settings, so the mask
 * in force is held in one place ({@link #install}, {@link #current}); until the bot installs
 * its own, only the shapes are masked.
 */
public final class SecretMask {

  private static final Pattern SLACK_TOKEN = Pattern.compile("\\b(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]+");
  private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=-]+");
  private static final Pattern URL_PASSWORD = Pattern.compile("://[^:/@\\s]*:([^@\\s]+)@");

  private static volatile SecretMask current = new SecretMask(new Redactor());

  private final Redactor values;

  private SecretMask(Redactor values) {
    this.values = values;
  }

  /** A mask for the shapes and for these literal values (shorter than four characters are ignored). */
  public static SecretMask of(Collection<String> secretValues) {
    Redactor redactor = new Redactor();
    secretValues.forEach(redactor::add);
    return new SecretMask(redactor);
  }

  /**
   * The bot's mask: its Slack tokens, signing secret, alerts token and database password, and
   * the values {@code variables} gives the names the config refers to.
   */
  public static SecretMask of(BotSettings settings, PreflightConfig config, Variables variables) {
    Redactor redactor = new Redactor();
    List.of(settings.slackBotToken(), settings.slackSigningSecret(), settings.slackAppToken(), settings.alertsToken())
        .forEach(value -> value.ifPresent(redactor::add));
    settings.databaseUrl().map(SecretMask::passwords).orElse(List.of()).forEach(redactor::add);
    // The config's records print every template they hold, so this finds each ${NAME} wherever it sits.
    Variables.references(String.valueOf(config))
        .forEach(name -> variables.get(name).ifPresent(redactor::add));
    return new SecretMask(redactor);
  }

  /** Makes {@code mask} the one log lines and error reports go through from now on. */
  public static void install(SecretMask mask) {
    current = mask;
  }

  public static SecretMask current() {
    return current;
  }

  public String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String masked = values.redact(text);
    masked = SLACK_TOKEN.matcher(masked).replaceAll(Matcher.quoteReplacement(Redactor.MASK));
    return BEARER.matcher(masked).replaceAll("$1" + Matcher.quoteReplacement(Redactor.MASK));
  }

  /** The password in a {@code scheme://user:password@host} URL, as written and decoded. */
  static List<String> passwords(String url) {
    Matcher matcher = URL_PASSWORD.matcher(url);
    if (!matcher.find()) {
      return List.of();
    }
    String raw = matcher.group(1);
    try {
      return List.of(raw, URLDecoder.decode(raw, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return List.of(raw);
    }
  }
}
