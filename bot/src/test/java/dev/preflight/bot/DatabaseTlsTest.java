package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DATABASE_URL against a PostgreSQL with TLS on, its certificate signed by a CA this test makes.
 * The role {@code deploy@corp} may only connect over TLS (pg_hba {@code hostssl}), so a migration
 * that succeeds as that role went over TLS; {@code plain} may connect either way.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DatabaseTlsTest {

  private static final String TLS_USER = "deploy@corp";
  private static final String TLS_PASSWORD = "p@ss:w/rd%+é";
  private static final String WHO_AM_I = "select s.ssl, a.application_name, current_user as who"
      + " from pg_stat_ssl s join pg_stat_activity a on a.pid = s.pid where s.pid = pg_backend_pid()";

  @TempDir
  static Path dir;

  private static EmbeddedPostgres server;
  private static Path ca;
  private static Path otherCa;
  private static Vertx vertx;

  @BeforeAll
  static void startServerWithTls() throws Exception {
    ca = certificateAuthority("ca");
    otherCa = certificateAuthority("other-ca");
    Path serverKey = dir.resolve("server.key");
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", serverKey.toString(), "-out", path("server.csr"),
        "-subj", "/CN=localhost");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
    openssl("x509", "-req", "-in", path("server.csr"), "-CA", ca.toString(), "-CAkey", path("ca.key"),
        "-CAcreateserial", "-days", "2", "-extfile", path("server.ext"), "-out", path("server.crt"));
    Files.setPosixFilePermissions(serverKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Path hba = dir.resolve("pg_hba.conf");
    Files.writeString(hba, String.join("\n",
        "local all all trust",
        "host all postgres 127.0.0.1/32 trust",
        "host all postgres ::1/128 trust",
        "hostssl all \"" + TLS_USER + "\" 127.0.0.1/32 scram-sha-256",
        "hostssl all \"" + TLS_USER + "\" ::1/128 scram-sha-256",
        "host all plain 127.0.0.1/32 scram-sha-256",
        "host all plain ::1/128 scram-sha-256",
        ""));
    server = EmbeddedPostgres.builder()
        .setServerConfig("ssl", "on")
        .setServerConfig("ssl_cert_file", path("server.crt"))
        .setServerConfig("ssl_key_file", serverKey.toString())
        .setServerConfig("hba_file", hba.toString())
        .setServerConfig("password_encryption", "scram-sha-256")
        .start();
    try (Connection connection = server.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("create role \"" + TLS_USER + "\" login password '" + TLS_PASSWORD + "'");
      statement.execute("create database preflight_tls owner \"" + TLS_USER + "\"");
      statement.execute("create role plain login password 'plain-password'");
      statement.execute("create database preflight_plain owner plain");
    }
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws IOException {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void verifyFullWithTheCaConnectsForMigrationsAndThePoolOverTls() throws Exception {
    BotSettings settings = settings(tlsUrl("localhost", "sslmode=verify-full&sslrootcert=" + ca
        + "&application_name=preflight-tls-test"));
    try (Database database = Database.open(settings)) {
      Row pooled = ask(database, settings, WHO_AM_I);
      assertTrue(pooled.getBoolean("ssl"), "the pool's connection is encrypted");
      assertEquals("preflight-tls-test", pooled.getString("application_name"));
      assertEquals(TLS_USER, pooled.getString("who"), "the percent-encoded user reached the server decoded");
      assertTrue(ask(database, settings, "select count(*) as applied from flyway_schema_history where success")
          .getLong("applied") >= 5, "the migrations ran (over TLS: this role has no other way in)");
      try (Connection jdbc = DriverManager.getConnection(database.jdbcUrl(), TLS_USER, TLS_PASSWORD);
           Statement statement = jdbc.createStatement();
           ResultSet migrationSide = statement.executeQuery(WHO_AM_I)) {
        assertTrue(migrationSide.next());
        assertTrue(migrationSide.getBoolean("ssl"), "the migrations' JDBC connection is encrypted");
        assertEquals("preflight-tls-test", migrationSide.getString("application_name"));
      }
    }
  }

  @Test
  void requireEncryptsWithoutCheckingTheCertificate() throws Exception {
    // 127.0.0.1 is not a name in the certificate, and the JVM does not trust the test's CA.
    BotSettings settings = settings(tlsUrl("127.0.0.1", "sslmode=require"));
    try (Database database = Database.open(settings)) {
      Row pooled = ask(database, settings, WHO_AM_I);
      assertTrue(pooled.getBoolean("ssl"), "require is encrypted");
      assertEquals("preflight", pooled.getString("application_name"), "the default application_name");
    }
  }

  @Test
  void aWrongCaIsRefusedWithAMessageNamingSslrootcert() throws Exception {
    BotSettings settings = settings(tlsUrl("localhost", "sslmode=verify-full&sslrootcert=" + otherCa));
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Database.open(settings));
    String message = refused.getMessage();
    assertTrue(message.contains("not signed by a CA in sslrootcert=" + otherCa), message);
    assertTrue(message.contains("point sslrootcert in DATABASE_URL at the PEM file of the CA"), message);
    assertFalse(message.contains(TLS_PASSWORD), message);

    Pool pool = Database.pool(vertx, DatabaseUrl.parse(settings.databaseUrl().orElseThrow()).connectOptions(),
        settings);
    try {
      ExecutionException poolRefused = assertThrows(ExecutionException.class,
          () -> pool.query("select 1").execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
      assertTrue(DatabaseErrors.explain(poolRefused.getCause(), DatabaseUrl.parse(settings.databaseUrl().get()))
          .contains("not signed by a CA in sslrootcert=" + otherCa), poolRefused.getCause().toString());
    } finally {
      pool.close();
    }
  }

  @Test
  void verifyFullRefusesAHostTheCertificateDoesNotNameAndVerifyCaAcceptsIt() throws Exception {
    BotSettings byAddress = settings(tlsUrl("127.0.0.1", "sslmode=verify-full&sslrootcert=" + ca));
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Database.open(byAddress));
    assertTrue(refused.getMessage().contains("not issued for the host `127.0.0.1`"), refused.getMessage());

    Pool pool = Database.pool(vertx, DatabaseUrl.parse(byAddress.databaseUrl().orElseThrow()).connectOptions(),
        byAddress);
    try {
      assertThrows(ExecutionException.class,
          () -> pool.query("select 1").execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS),
          "the pool checks the host name too");
    } finally {
      pool.close();
    }

    BotSettings chainOnly = settings(tlsUrl("127.0.0.1", "sslmode=verify-ca&sslrootcert=" + ca));
    try (Database database = Database.open(chainOnly)) {
      assertTrue(ask(database, chainOnly, WHO_AM_I).getBoolean("ssl"));
    }
  }

  @Test
  void disableConnectsWithoutTlsAndATlsOnlyServerSaysToTurnItOn() throws Exception {
    BotSettings plain = settings("postgresql://plain:plain-password@localhost:" + server.getPort()
        + "/preflight_plain?sslmode=disable");
    try (Database database = Database.open(plain)) {
      Row pooled = ask(database, plain, WHO_AM_I);
      assertFalse(pooled.getBoolean("ssl"), "disable is not encrypted");
      assertEquals("plain", pooled.getString("who"));
    }
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> Database.open(settings(tlsUrl("localhost", "sslmode=disable"))));
    assertTrue(refused.getMessage().contains("refuses connections without TLS"), refused.getMessage());
  }

  @Test
  void aWrongPasswordIsRefusedAndNotEchoed() {
    String url = "postgresql://" + encode(TLS_USER) + ":" + encode("not-the-password") + "@localhost:"
        + server.getPort() + "/preflight_tls?sslmode=require";
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Database.open(settings(url)));
    assertTrue(refused.getMessage().contains("refused the user `deploy@corp`"), refused.getMessage());
    assertFalse(refused.getMessage().contains("not-the-password"), refused.getMessage());
  }

  private static Row ask(Database database, BotSettings settings, String sql) throws Exception {
    Pool pool = Database.pool(vertx, database.connectOptions(), settings);
    try {
      return pool.query(sql).execute().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
          .iterator().next();
    } finally {
      pool.close();
    }
  }

  private static String tlsUrl(String host, String query) {
    return "postgresql://" + encode(TLS_USER) + ":" + encode(TLS_PASSWORD) + "@" + host + ":" + server.getPort()
        + "/preflight_tls?" + query;
  }

  private static BotSettings settings(String databaseUrl) {
    return BotSettings.fromEnvironment(Map.of("DATABASE_URL", databaseUrl, "DATABASE_CONNECT_TIMEOUT", "10s"));
  }

  /** Percent-encoding as RFC 3986 writes it: a space is %20, never +. */
  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Path certificateAuthority(String name) throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Preflight test " + name,
        "-keyout", path(name + ".key"), "-out", path(name + ".pem"));
    return dir.resolve(name + ".pem");
  }

  private static void openssl(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + output);
    }
  }

  private static String path(String name) {
    return dir.resolve(name).toString();
  }
}
