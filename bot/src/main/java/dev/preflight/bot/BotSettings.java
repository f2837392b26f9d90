package dev.preflight.bot;

import dev.preflight.checklists.config.Durations;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runtime contract, read once from the environment. Nothing else in the bot reads
 * environment variables for its own settings.
 */
public record BotSettings(
    Path configPath,
    int port,
    Optional<String> slackBotToken,
    Optional<String> slackSigningSecret,
    Optional<String> slackAppToken,
    String slackApiUrl,
    Optional<String> databaseUrl,
    Path dataDir,
    Optional<String> alertsToken,
    Optional<String> sentryDsn,
    Optional<String> sentryEnvironment,
    Optional<URI> awsEndpoint,
    Duration pollInterval,
    Duration lease,
    int databasePoolSize,
    Duration databaseConnectTimeout,
    double slackRateShare,
    Duration shutdownTimeout,
    int httpLoops) {

  /** How often a deploy in flight asks ECS or GitHub how it is going. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
  /** How long a replica may go silent before another takes its deploys over. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);

  /** Connections the bot's pool holds at most (DATABASE_POOL_SIZE). */
  public static final int DEFAULT_DATABASE_POOL_SIZE = 8;
  /** How long to wait for a database connection (DATABASE_CONNECT_TIMEOUT). */
  public static final Duration DEFAULT_DATABASE_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** How long a stop on SIGTERM may take before the process is halted; inside Kubernetes' default 30 s grace. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

  public static final String DEFAULT_SLACK_API_URL = "https://slack.com/api/";

  public static BotSettings fromEnvironment(Map<String, String> env) {
    return new BotSettings(
        Path.of(env.getOrDefault("PREFLIGHT_CONFIG", "./preflight.yaml")),
        port(env.get("PORT")),
        nonBlank(env.get("SLACK_BOT_TOKEN")),
        nonBlank(env.get("SLACK_SIGNING_SECRET")),
        nonBlank(env.get("SLACK_APP_TOKEN")),
        slackApiUrl(env.get("SLACK_API_URL")),
        nonBlank(env.get("DATABASE_URL")),
        Path.of(env.getOrDefault("PREFLIGHT_DATA_DIR", "./data")),
        nonBlank(env.get("ALERTS_TOKEN")),
        nonBlank(env.get("SENTRY_DSN")),
        nonBlank(env.get("SENTRY_ENVIRONMENT")),
        nonBlank(env.get("AWS_ENDPOINT_URL")).map(URI::create),
        duration("PREFLIGHT_POLL_INTERVAL", env.get("PREFLIGHT_POLL_INTERVAL"), DEFAULT_POLL_INTERVAL),
        duration("PREFLIGHT_LEASE", env.get("PREFLIGHT_LEASE"), DEFAULT_LEASE),
        poolSize(env.get("DATABASE_POOL_SIZE")),
        duration("DATABASE_CONNECT_TIMEOUT", env.get("DATABASE_CONNECT_TIMEOUT"), DEFAULT_DATABASE_CONNECT_TIMEOUT),
        rateShare(env.get("SLACK_RATE_SHARE")),
        duration("PREFLIGHT_SHUTDOWN_TIMEOUT", env.get("PREFLIGHT_SHUTDOWN_TIMEOUT"), DEFAULT_SHUTDOWN_TIMEOUT),
        httpLoops(env.get("PREFLIGHT_HTTP_LOOPS")));
  }

  /** The most event loops PREFLIGHT_HTTP_LOOPS may ask for; more would only add idle threads. */
  static final int MAX_HTTP_LOOPS = 64;

  /**
   * How many event loops at least serve HTTP (PREFLIGHT_HTTP_LOOPS); unset, the CPU count and at
   * least two ({@link HttpLoops#defaultLoops}), so acknowledgements of different connections do
   * not queue behind one thread.
   */
  private static int httpLoops(String value) {
    if (value == null || value.isBlank()) {
      return Math.min(MAX_HTTP_LOOPS, HttpLoops.defaultLoops(Runtime.getRuntime().availableProcessors()));
    }
    try {
      int loops = Integer.parseInt(value.trim());
      if (loops < 1 || loops > MAX_HTTP_LOOPS) {
        throw new NumberFormatException();
      }
      return loops;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("PREFLIGHT_HTTP_LOOPS must be a whole number from 1 to " + MAX_HTTP_LOOPS
          + " (event loops serving HTTP; unset: one per CPU, at least 2), not `" + value + "`");
    }
  }

  /**
   * This replica's part of Slack's rate limits: 1 when it runs alone, 0.5 each for two replicas
   * (a third each for three, …); above 1 only where Slack granted more than its published tiers.
   */
  private static double rateShare(String value) {
    if (value == null || value.isBlank()) {
      return 1;
    }
    try {
      double share = Double.parseDouble(value.trim());
      if (!(share > 0) || share > 100) {
        throw new NumberFormatException();
      }
      return share;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("SLACK_RATE_SHARE must be a number above 0 such as 1 or 0.5 (this "
          + "replica's part of Slack's rate limits), not `" + value + "`");
    }
  }

  /**
   * Slack is usable with a bot token and a way in: a signing secret for HTTP, or an app-level
   * token for Socket Mode.
   */
  public boolean slackConfigured() {
    return missingForSlack().isEmpty();
  }

  /** Slack reaches the bot over Socket Mode: SLACK_APP_TOKEN is set. */
  public boolean socketMode() {
    return slackAppToken.isPresent();
  }

  /** What is missing for Slack, in words for the log and /readyz; empty when nothing is. */
  public List<String> missingForSlack() {
    List<String> missing = new ArrayList<>();
    if (slackBotToken.isEmpty()) {
      missing.add("SLACK_BOT_TOKEN is not set: the bot cannot post or update messages");
    }
    if (slackSigningSecret.isEmpty() && !socketMode()) {
      missing.add("SLACK_SIGNING_SECRET is not set: requests from Slack cannot be verified, so all are refused "
          + "(or set SLACK_APP_TOKEN to use Socket Mode)");
    }
    if (slackAppToken.isPresent() && !slackAppToken.get().startsWith("xapp-")) {
      missing.add("SLACK_APP_TOKEN is not an app-level token: Socket Mode needs the xapp-… token from the app's "
          + "Basic Information page, with the connections:write scope");
    }
    return missing;
  }

  private static int port(String value) {
    if (value == null || value.isBlank()) {
      return 3000;
    }
    try {
      int port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("PORT must be a number from 0 to 65535, not `" + value + "`");
    }
  }

  private static int poolSize(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_DATABASE_POOL_SIZE;
    }
    try {
      int size = Integer.parseInt(value.trim());
      if (size < 1 || size > 1000) {
        throw new NumberFormatException();
      }
      return size;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("DATABASE_POOL_SIZE must be a number of connections from 1 to 1000, not `"
          + value + "`");
    }
  }

  private static Duration duration(String name, String value, Duration fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      Duration parsed = Durations.parse(value.trim());
      if (parsed.isZero() || parsed.isNegative()) {
        throw new IllegalArgumentException("zero");
      }
      return parsed;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " must be a duration such as 10s or 500ms, not `" + value + "`");
    }
  }

  private static String slackApiUrl(String value) {
    String url = nonBlank(value).orElse(DEFAULT_SLACK_API_URL);
    URI uri = URI.create(url);
    if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
      throw new IllegalArgumentException("SLACK_API_URL must be an http(s) URL such as " + DEFAULT_SLACK_API_URL);
    }
    return url.endsWith("/") ? url : url + "/";
  }

  private static Optional<String> nonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  @Override
  public String toString() {
    // Tokens and secrets are reported as present or absent, never by value.
    return "BotSettings[config=" + configPath + ", port=" + port
        + ", slackBotToken=" + (slackBotToken.isPresent() ? "set" : "unset")
        + ", slackSigningSecret=" + (slackSigningSecret.isPresent() ? "set" : "unset")
        + ", slackAppToken=" + (slackAppToken.isPresent() ? "set" : "unset")
        + ", slackApiUrl=" + slackApiUrl
        + ", database=" + (databaseUrl.isPresent() ? "DATABASE_URL" : "embedded in " + dataDir)
        + ", alerts=" + (alertsToken.isPresent() ? "enabled" : "disabled")
        + ", sentry=" + (sentryDsn.isPresent() ? "enabled" : "disabled")
        + ", awsEndpoint=" + awsEndpoint.map(URI::toString).orElse("default")
        + ", pollInterval=" + Durations.format(pollInterval) + ", lease=" + Durations.format(lease)
        + ", databasePoolSize=" + databasePoolSize
        + ", databaseConnectTimeout=" + Durations.format(databaseConnectTimeout)
        + ", slackRateShare=" + slackRateShare
        + ", shutdownTimeout=" + Durations.format(shutdownTimeout)
        + ", httpLoops=" + httpLoops + "]";
  }
}
