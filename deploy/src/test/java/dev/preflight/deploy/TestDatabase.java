package dev.preflight.deploy;

import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;

/**
 * A real PostgreSQL for tests: one embedded server per JVM, a fresh migrated database per
 * call to {@link #create()}, so test classes never see each other's rows.
 */
public final class TestDatabase {

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static EmbeddedPostgres server;

  public final String name;
  public final int port;

  private TestDatabase(String name, int port) {
    this.name = name;
    this.port = port;
  }

  public static synchronized TestDatabase create() {
    try {
      if (server == null) {
        server = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            server.close();
          } catch (IOException ignored) {
            // the JVM is going away either way
          }
        }));
      }
      String name = "preflight_test_" + COUNTER.incrementAndGet();
      try (Connection connection = server.getPostgresDatabase().getConnection();
           Statement statement = connection.createStatement()) {
        statement.execute("create database " + name);
      }
      TestDatabase database = new TestDatabase(name, server.getPort());
      Flyway.configure()
          .dataSource(database.jdbcUrl(), "postgres", "postgres")
          .locations("classpath:db/migration")
          .load()
          .migrate();
      return database;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/" + name;
  }

  /** The form a team writes in DATABASE_URL or a check's database variable. */
  public String url() {
    return "postgresql://postgres:postgres@localhost:" + port + "/" + name;
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost("localhost")
        .setPort(port)
        .setDatabase(name)
        .setUser("postgres")
        .setPassword("postgres");
  }
}
