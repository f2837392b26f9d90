package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.deploy.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Opening the database at start: a database Flyway already brought up to date is opened
 * without Flyway (one query compares its history with the migrations this build carries), and
 * everything else still goes through Flyway: an empty database is migrated, a changed migration
 * is refused, a history from a newer build is left as Flyway leaves it.
 */
class MigrationsOnStartTest {

  private static final AtomicInteger EMPTY = new AtomicInteger();

  @Test
  void aDatabaseFlywayBroughtUpToDateOpensWithoutFlyway() throws Exception {
    TestDatabase migrated = TestDatabase.create();
    try (Database database = Database.open(settings(migrated.url()))) {
      assertTrue(database.migrationsSkipped(), "Flyway ran on a database that was up to date");
    }
    assertEquals(Migrations.bundled(getClass().getClassLoader(), Database.MIGRATIONS).size(),
        count(migrated.jdbcUrl(), "select count(*) from flyway_schema_history where success"));
  }

  @Test
  void anEmptyDatabaseIsMigratedByFlywayThenOpensWithoutIt() throws Exception {
    String url = emptyDatabase();
    try (Database database = Database.open(settings(url))) {
      assertFalse(database.migrationsSkipped());
    }
    String jdbc = jdbc(url);
    assertEquals(1, count(jdbc, "select count(*) from information_schema.tables where table_name = 'runbook_runs'"));
    assertEquals(Migrations.bundled(getClass().getClassLoader(), Database.MIGRATIONS).size(),
        count(jdbc, "select count(*) from flyway_schema_history where success"));
    try (Database again = Database.open(settings(url))) {
      assertTrue(again.migrationsSkipped());
    }
  }

  @Test
  void aMigrationChangedSinceItWasAppliedIsLeftToFlywayWhichRefusesIt() throws Exception {
    TestDatabase migrated = TestDatabase.create();
    execute(migrated.jdbcUrl(), "update flyway_schema_history set checksum = checksum + 1 where script = 'V1__runs.sql'");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> Database.open(settings(migrated.url())).close());
    assertTrue(refused.getMessage().toLowerCase().contains("checksum"), refused.getMessage());
  }

  @Test
  void aHistoryWithAMigrationThisBuildDoesNotCarryIsLeftToFlyway() throws Exception {
    TestDatabase migrated = TestDatabase.create();
    execute(migrated.jdbcUrl(), "insert into flyway_schema_history (installed_rank, version, description, type, script,"
        + " checksum, installed_by, execution_time, success) values (999, '999', 'from a newer build', 'SQL',"
        + " 'V999__from_a_newer_build.sql', 1, 'postgres', 1, true)");
    try (Database database = Database.open(settings(migrated.url()))) {
      assertFalse(database.migrationsSkipped());
    }
  }

  @Test
  void theChecksumIsFlywaysOverLinesWithoutTheirBreaks() throws Exception {
    int unix = Migrations.checksum(new java.io.ByteArrayInputStream("create table t ();\nselect 1;\n".getBytes()));
    int windows = Migrations.checksum(new java.io.ByteArrayInputStream(
        "\uFEFFcreate table t ();\r\nselect 1;\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update("create table t ();".getBytes());
    crc.update("select 1;".getBytes());
    assertEquals((int) crc.getValue(), unix);
    assertEquals(unix, windows);
  }

  private static BotSettings settings(String databaseUrl) throws Exception {
    Path dir = Files.createTempDirectory("migrations-on-start");
    return BotSettings.fromEnvironment(Map.of("DATABASE_URL", databaseUrl, "PREFLIGHT_DATA_DIR", dir.toString()));
  }

  /** A database on the tests' server with nothing in it. */
  private static String emptyDatabase() throws Exception {
    TestDatabase server = TestDatabase.create();
    String name = "preflight_empty_" + EMPTY.incrementAndGet() + "_" + ProcessHandle.current().pid();
    execute(server.jdbcUrl(), "create database " + name);
    return "postgresql://postgres:postgres@localhost:" + server.port + "/" + name;
  }

  private static String jdbc(String url) {
    return "jdbc:postgresql://" + url.substring(url.indexOf('@') + 1);
  }

  private static void execute(String jdbcUrl, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static int count(String jdbcUrl, String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
