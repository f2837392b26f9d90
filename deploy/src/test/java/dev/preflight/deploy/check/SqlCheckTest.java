package dev.preflight.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.deploy.TestDatabase;
import dev.preflight.deploy.aws.AwsClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class SqlCheckTest {

  /** A role of its own, so "the password never shows" is not muddled by user == password. */
  private static final String PASSWORD = "Chk-Pa55-w0rd-7q2x";
  private static TestDatabase database;
  private static Variables variables;

  private AwsClients aws;
  private CheckRunner runner;

  @BeforeAll
  static void createSchema() throws SQLException {
    database = TestDatabase.create();
    try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), "postgres", "postgres");
         Statement sql = connection.createStatement()) {
      sql.execute("create table widgets (id int primary key, name text not null, active boolean not null)");
      sql.execute("insert into widgets values (1, 'sprocket', true), (2, 'gear', true), (3, 'cog', false)");
      sql.execute("create sequence invoice_numbers start 1000");
      sql.execute("create view active_widgets as select id, name from widgets where active");
      sql.execute("create role checker login password '" + PASSWORD + "'");
      sql.execute("grant select on all tables in schema public to checker");
      // A table the checker may write, so a refused write is refused for being in a check, not
      // for a missing grant.
      sql.execute("create table etl_runs (id serial primary key)");
      sql.execute("grant select, insert on etl_runs to checker");
      sql.execute("grant usage on all sequences in schema public to checker");
    }
    String checkerUrl = "postgresql://checker:" + PASSWORD + "@localhost:" + database.port + "/" + database.name;
    variables = Variables.of(Map.of(
        "KLK_DATABASE_URL", checkerUrl,
        "NO_SUCH_DB_URL", "postgresql://checker:" + PASSWORD + "@localhost:" + database.port + "/no_such_db",
        "CLOSED_PORT_URL", "postgresql://checker:" + PASSWORD + "@127.0.0.1:" + HttpCheckTest.closedPort() + "/x",
        "GARBLED_URL", "mysql:/" + PASSWORD + "@@"));
  }

  @BeforeEach
  void start(Vertx vertx) {
    aws = new AwsClients();
    runner = new CheckRunner(vertx, aws);
  }

  @AfterEach
  void stop() {
    runner.close();
    aws.close();
  }

  private Future<Evidence> run(String query, Integer expectRows, String expectValue) {
    return run("KLK_DATABASE_URL", query, expectRows, expectValue, Duration.ofSeconds(10));
  }

  private Future<Evidence> run(String env, String query, Integer expectRows, String expectValue, Duration timeout) {
    CheckSpec.Sql spec = new CheckSpec.Sql(env, query, expectRows, expectValue, new CheckSpec.Timing(timeout, 0, Duration.ZERO));
    return runner.run(spec, variables);
  }

  @Test
  void existingTablePassesOnItsFirstValue(VertxTestContext ctx) {
    Verify.evidence(run("select count(*) from information_schema.tables where table_name = 'widgets'", null, "1"), ctx,
        evidence -> {
          assertTrue(evidence.passed(), evidence::toString);
          assertTrue(evidence.summary().matches("1 row, first value \"1\" in \\d+ ms"), evidence.summary());
          assertEquals("count=1", evidence.excerpt());
        });
  }

  @Test
  void missingTableFailsOnItsFirstValue(VertxTestContext ctx) {
    Verify.evidence(run("select count(*) from information_schema.tables where table_name = 'payments'", null, "1"), ctx,
        evidence -> {
          assertFalse(evidence.passed());
          assertEquals("expected \"1\", got \"0\"", evidence.summary());
        });
  }

  @Test
  void rowCountMatchingPasses(VertxTestContext ctx) {
    Verify.evidence(run("select id, name from widgets order by id", 3, null), ctx, evidence -> {
      assertTrue(evidence.passed(), evidence::toString);
      assertEquals("id=1, name=sprocket\nid=2, name=gear\nid=3, name=cog", evidence.excerpt());
    });
  }

  @Test
  void rowCountMismatchFails(VertxTestContext ctx) {
    Verify.evidence(run("select id from widgets", 5, null), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("expected 5 rows, got 3", evidence.summary());
    });
  }

  @Test
  void existingSequencePasses(VertxTestContext ctx) {
    Verify.evidence(run("select to_regclass('public.invoice_numbers') is not null", null, "true"), ctx,
        evidence -> assertTrue(evidence.passed(), evidence::toString));
  }

  @Test
  void existingViewPassesAndAMissingOneFails(Vertx vertx, VertxTestContext ctx) {
    String query = "select table_name from information_schema.views where table_name = '%s'";
    Future.all(run(query.formatted("active_widgets"), 1, "active_widgets"), run(query.formatted("retired_widgets"), 1, null))
        .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
          Evidence existing = both.resultAt(0);
          Evidence missing = both.resultAt(1);
          assertTrue(existing.passed(), existing::toString);
          assertFalse(missing.passed());
          assertEquals("expected 1 row, got 0", missing.summary());
          ctx.completeNow();
        })));
  }

  @Test
  void valueExpectedFromAnEmptyResultFailsSayingSo(VertxTestContext ctx) {
    Verify.evidence(run("select name from widgets where id = 42", null, "sprocket"), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("expected \"sprocket\", but the query returned no rows", evidence.summary());
    });
  }

  @Test
  void brokenQueryFailsWithTheDatabaseMessage(VertxTestContext ctx) {
    Verify.evidence(run("select * from nowhere", null, null), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertTrue(evidence.error().contains("relation \"nowhere\" does not exist"), evidence.error());
    });
  }

  @Test
  void slowQueryTimesOut(VertxTestContext ctx) {
    Verify.evidence(run("KLK_DATABASE_URL", "select pg_sleep(10)", null, null, Duration.ofMillis(500)), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("timed out after 500 ms", evidence.summary());
    });
  }

  @Test
  void writeFailsWithTheDatabaseWordsAndLeavesNoRow() throws Exception {
    Evidence evidence = settled(run("INSERT INTO etl_runs DEFAULT VALUES RETURNING id", null, "1"));

    assertFalse(evidence.passed(), evidence::toString);
    assertTrue(evidence.error().contains("cannot execute INSERT in a read-only transaction"), evidence::toString);
    assertEquals(0L, single("select count(*) from etl_runs"));
  }

  @Test
  void sequenceIsNotAdvancedByACheck() throws Exception {
    Evidence evidence = settled(run("select nextval('invoice_numbers')", 1, null));

    assertFalse(evidence.passed(), evidence::toString);
    assertTrue(evidence.error().contains("cannot execute nextval() in a read-only transaction"), evidence::toString);
    assertEquals(1000L, single("select nextval('invoice_numbers')"));
  }

  @Test
  void selectAfterARefusedWriteStillPasses() throws Exception {
    assertFalse(settled(run("INSERT INTO etl_runs DEFAULT VALUES RETURNING id", null, "1")).passed());

    Evidence evidence = settled(run("select count(*) from etl_runs", null, "0"));

    assertTrue(evidence.passed(), evidence::toString);
    assertTrue(evidence.summary().matches("1 row, first value \"0\" in \\d+ ms"), evidence.summary());
  }

  private static Evidence settled(Future<Evidence> run) throws Exception {
    return run.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The one value a query returns, read as the database owner, outside any check. */
  private static long single(String query) throws SQLException {
    try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), "postgres", "postgres");
         Statement sql = connection.createStatement();
         ResultSet result = sql.executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }

  @Test
  void missingVariableFailsNamingIt(VertxTestContext ctx) {
    Verify.evidence(run("NOPE_DATABASE_URL", "select 1", null, null, Duration.ofSeconds(5)), ctx, evidence -> {
      assertFalse(evidence.passed());
      assertEquals("environment variable NOPE_DATABASE_URL is not set", evidence.summary());
      assertNull(evidence.status());
    });
  }

  @Test
  void passwordAndUrlNeverAppearInAnyEvidence(VertxTestContext ctx) {
    List<Future<Evidence>> runs = List.of(
        run("select 1", 1, null),
        run("select '" + PASSWORD + "' as leaked", null, "something else"),
        run("select 'x' from " + PASSWORD.replace('-', '_'), null, null),
        run("NO_SUCH_DB_URL", "select 1", null, null, Duration.ofSeconds(5)),
        run("CLOSED_PORT_URL", "select 1", null, null, Duration.ofSeconds(5)),
        run("GARBLED_URL", "select 1", null, null, Duration.ofSeconds(5)));
    Future.all(runs).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      List<Evidence> evidence = all.list();
      assertTrue(evidence.get(0).passed(), evidence.get(0)::toString);
      for (Evidence each : evidence) {
        String text = Verify.allText(each);
        assertFalse(text.contains(PASSWORD), text);
        assertFalse(text.contains("checker:"), text);
      }
      assertFalse(evidence.get(1).passed(), evidence.get(1)::toString);
      assertTrue(evidence.get(3).error().contains("\"no_such_db\" does not exist"), evidence.get(3)::toString);
      assertEquals("connection refused", evidence.get(4).summary());
      assertEquals("GARBLED_URL does not hold a postgresql://user:pass@host:port/db URL", evidence.get(5).summary());
      ctx.completeNow();
    })));
  }
}
