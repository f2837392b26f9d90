package dev.preflight.bot;

import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the bot's PostgreSQL is: the one in DATABASE_URL, or an embedded server whose data
 * lives in PREFLIGHT_DATA_DIR. Startup work here is blocking and happens before the HTTP
 * server takes any request.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final Duration STALE_SERVER_EXIT = Duration.ofSeconds(30);

  private final String host;
  private final int port;
  private final String name;
  private final String user;
  private final String password;
  private final EmbeddedPostgres embedded;

  private Database(String host, int port, String name, String user, String password, EmbeddedPostgres embedded) {
    this.host = host;
    this.port = port;
    this.name = name;
    this.user = user;
    this.password = password;
    this.embedded = embedded;
  }

  public static Database open(BotSettings settings) throws IOException {
    Database database = settings.databaseUrl().isPresent()
        ? external(settings.databaseUrl().get())
        : embedded(settings.dataDir());
    database.migrate();
    return database;
  }

  /**
   * For a command run beside a bot: with an embedded database that a running bot already
   * serves, connects to that server instead of stopping it (as {@link #open} would) to start
   * its own.
   */
  public static Database openBeside(BotSettings settings) throws IOException {
    if (settings.databaseUrl().isEmpty()) {
      Path directory = settings.dataDir().toAbsolutePath().resolve("postgres");
      Optional<Integer> port = runningServer(directory).flatMap(server -> port(directory));
      if (port.isPresent()) {
        LOG.info("Using the embedded PostgreSQL a running bot serves on port {}", port.get());
        return new Database("localhost", port.get(), "postgres", "postgres", "postgres", null);
      }
    }
    return open(settings);
  }

  /** Parses {@code postgresql://user:pass@host:port/db}; the password never reaches an error message. */
  static Database external(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("DATABASE_URL is not a URL; write postgresql://user:password@host:5432/dbname");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgresql://");
    }
    String userInfo = Optional.ofNullable(uri.getRawUserInfo()).orElse("");
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    String path = Optional.ofNullable(uri.getPath()).orElse("");
    String name = path.startsWith("/") ? path.substring(1) : path;
    if (uri.getHost() == null || name.isEmpty()) {
      throw new IllegalArgumentException("DATABASE_URL needs a host and a database name: postgresql://user:password@host:5432/dbname");
    }
    return new Database(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), name,
        user.isEmpty() ? "postgres" : user, password, null);
  }

  static Database embedded(Path dataDir) throws IOException {
    Path directory = dataDir.toAbsolutePath().resolve("postgres");
    Files.createDirectories(directory);
    stopLeftoverServer(directory);
    LOG.info("DATABASE_URL is unset: starting an embedded PostgreSQL with its data in {}", directory);
    EmbeddedPostgres server = EmbeddedPostgres.builder()
        .setDataDirectory(directory)
        .setCleanDataDirectory(false)
        // The library turns this off for speed in tests; a sign-off shown in Slack must survive a crash.
        .setServerConfig("synchronous_commit", "on")
        .start();
    return new Database("localhost", server.getPort(), "postgres", "postgres", "postgres", server);
  }

  /**
   * A bot killed with SIGKILL leaves its embedded server running on the data directory, and
   * a second server cannot start there. That server has no other user, so it is stopped.
   */
  private static void stopLeftoverServer(Path directory) throws IOException {
    Optional<ProcessHandle> leftover = runningServer(directory);
    if (leftover.isEmpty()) {
      return;
    }
    long pid = leftover.get().pid();
    LOG.warn("An embedded PostgreSQL (pid {}) from an earlier run is still using {}; stopping it", pid, directory);
    ProcessHandle server = leftover.get();
    server.destroy();
    try {
      server.onExit().get(STALE_SERVER_EXIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      server.destroyForcibly();
    } catch (Exception e) {
      throw new IOException("could not stop the leftover PostgreSQL (pid " + pid + ")", e);
    }
  }

  /** The postgres serving this directory, if one runs; after a reboot the pid may be anything else's. */
  private static Optional<ProcessHandle> runningServer(Path directory) throws IOException {
    Path pidFile = directory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    String firstLine = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
    long pid;
    try {
      pid = Long.parseLong(firstLine);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(process -> process.pid() != ProcessHandle.current().pid())
        .filter(process -> process.info().commandLine()
            .map(line -> line.contains("postgres") && line.contains(directory.toString()))
            .orElse(false));
  }

  /** The port in postmaster.pid: its fourth line. */
  private static Optional<Integer> port(Path directory) {
    try {
      List<String> lines = Files.readAllLines(directory.resolve("postmaster.pid"));
      return lines.size() < 4 ? Optional.empty() : Optional.of(Integer.parseInt(lines.get(3).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void migrate() {
    Flyway.configure()
        .dataSource(jdbcUrl(), user, password)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(name)
        .setUser(user)
        .setPassword(password)
        // No query of the bot's own should run long; this bounds one that does.
        .addProperty("statement_timeout", "30000")
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name + "?connectTimeout=10";
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}
