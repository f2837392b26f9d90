package dev.preflight.bot;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  /** Where the migrations are on the class path (deploy/src/main/resources/db/migration). */
  static final String MIGRATIONS = "db/migration";

  private final DatabaseUrl url;
  private final Duration connectTimeout;
  private final EmbeddedPostgres embedded;
  private long migrationMillis;
  private boolean migrationsSkipped;

  private Database(DatabaseUrl url, Duration connectTimeout, EmbeddedPostgres embedded) {
    this.url = url;
    this.connectTimeout = connectTimeout;
    this.embedded = embedded;
  }

  public static Database open(BotSettings settings) throws IOException {
    Database database = settings.databaseUrl().isPresent()
        ? new Database(DatabaseUrl.parse(settings.databaseUrl().get()), settings.databaseConnectTimeout(), null)
        : embedded(settings.dataDir(), settings.databaseConnectTimeout());
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
        return new Database(DatabaseUrl.local(port.get()), settings.databaseConnectTimeout(), null);
      }
    }
    return open(settings);
  }

  /** True when opening creates the embedded database's data directory first (initdb): a first start. */
  static boolean initialisesOnOpen(BotSettings settings) {
    return settings.databaseUrl().isEmpty()
        && !Files.exists(settings.dataDir().toAbsolutePath().resolve("postgres").resolve("postgresql.conf"));
  }

  static Database embedded(Path dataDir, Duration connectTimeout) throws IOException {
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
    return new Database(DatabaseUrl.local(server.getPort()), connectTimeout, server);
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
    long started = System.nanoTime();
    try {
      if (upToDate()) {
        migrationsSkipped = true;
      } else {
        Flyway.configure()
            .dataSource(jdbcUrl(), url.user(), url.password())
            .locations("classpath:" + MIGRATIONS)
            .load()
            .migrate();
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException(DatabaseErrors.explain(e, url), e);
    }
    migrationMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /**
   * Whether Flyway would find nothing to do: its history lists exactly the migrations this build
   * carries, each applied successfully with the same checksum. Asked with one query, because
   * loading Flyway and letting it scan the jar for its migrations costs a second of CPU at every
   * start. Anything else (a migration to apply, a changed or failed one, one this build does not
   * know, no history yet, a query that fails) goes to Flyway, which applies or refuses it.
   */
  private boolean upToDate() {
    Map<String, Integer> bundled = Migrations.bundled(Database.class.getClassLoader(), MIGRATIONS);
    if (bundled.isEmpty()) {
      return false;
    }
    Map<String, Integer> applied = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(jdbcUrl(), url.user(), url.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "select script, checksum, success from flyway_schema_history where version is not null")) {
      while (rows.next()) {
        if (!rows.getBoolean("success") || applied.put(rows.getString("script"), rows.getInt("checksum")) != null) {
          return false;
        }
      }
    } catch (SQLException e) {
      LOG.debug("Flyway decides about the migrations: {}", e.getMessage());
      return false;
    }
    return applied.equals(bundled);
  }

  /** True when the last open found every migration applied and left Flyway out. */
  boolean migrationsSkipped() {
    return migrationsSkipped;
  }

  /** How long bringing the schema up to date took when this database was opened. */
  long migrationMillis() {
    return migrationMillis;
  }

  public PgConnectOptions connectOptions() {
    return url.connectOptions()
        // No query of the bot's own should run long; this bounds one that does.
        .addProperty("statement_timeout", "30000")
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
  }

  public String jdbcUrl() {
    return url.jdbcUrl(connectTimeout);
  }

  /**
   * The bot's pool: DATABASE_POOL_SIZE connections at most; DATABASE_CONNECT_TIMEOUT bounds both
   * opening a connection and waiting for a free one.
   */
  public static Pool pool(Vertx vertx, PgConnectOptions connectOptions, BotSettings settings) {
    return builder(settings).connectingTo(connectOptions).using(vertx).build();
  }

  /**
   * The same pool, built before the database is open: a connection is first asked for once
   * {@code connectOptions} completes, and fails as it does.
   */
  public static Pool pool(Vertx vertx, Future<PgConnectOptions> connectOptions, BotSettings settings) {
    Future<SqlConnectOptions> options = connectOptions.map(open -> open);
    return builder(settings).connectingTo(() -> options).using(vertx).build();
  }

  private static ClientBuilder<Pool> builder(BotSettings settings) {
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.databaseConnectTimeout().toMillis());
    return PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(settings.databasePoolSize())
            .setConnectionTimeout(timeoutMillis)
            .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
        .with(new NetClientOptions().setConnectTimeout(timeoutMillis));
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
