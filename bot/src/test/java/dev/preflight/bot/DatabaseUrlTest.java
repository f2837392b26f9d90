package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each DATABASE_URL means to the pool and to the migrations; what a wrong one is told. */
class DatabaseUrlTest {

  @TempDir
  Path dir;

  @Test
  void withoutSslmodeItPrefersTlsLikeLibpqAndNamesItself() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:pw@db.internal/deploys");
    assertEquals(SslMode.PREFER, url.sslMode());
    PgConnectOptions options = url.connectOptions();
    assertEquals(5432, options.getPort());
    assertEquals("preflight", options.getProperties().get("application_name"));
    assertEquals("ISO", options.getProperties().get("DateStyle"), "the pg client's own session defaults are kept");
    assertTrue(options.getSslOptions().isTrustAll(), "prefer encrypts without checking, as libpq does");
    assertEquals("jdbc:postgresql://db.internal:5432/deploys?ApplicationName=preflight&connectTimeout=5&sslmode=prefer",
        url.jdbcUrl(Duration.ofSeconds(5)));
  }

  @Test
  void verifyFullChecksTheChainAndTheHostInBothDrivers() throws IOException {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not parsed until a connection is made");
    DatabaseUrl url = DatabaseUrl.parse("postgres://app:pw@db.internal:6432/deploys?sslmode=verify-full&sslrootcert="
        + ca + "&application_name=preflight-eu");
    PgConnectOptions options = url.connectOptions();
    assertEquals(SslMode.VERIFY_FULL, options.getSslMode());
    assertEquals("HTTPS", options.getSslOptions().getHostnameVerificationAlgorithm());
    assertFalse(options.getSslOptions().isTrustAll());
    assertEquals("jdbc:postgresql://db.internal:6432/deploys?ApplicationName=preflight-eu&connectTimeout=2"
        + "&sslmode=verify-full&sslrootcert=" + java.net.URLEncoder.encode(ca.toAbsolutePath().toString(),
        java.nio.charset.StandardCharsets.UTF_8), url.jdbcUrl(Duration.ofMillis(1500)));
  }

  @Test
  void requireEncryptsWithoutCheckingUnlessARootCertificateIsGiven() throws IOException {
    DatabaseUrl require = DatabaseUrl.parse("postgresql://app:pw@db/deploys?sslmode=require");
    assertTrue(require.connectOptions().getSslOptions().isTrustAll());
    assertEquals("", require.connectOptions().getSslOptions().getHostnameVerificationAlgorithm());
    assertTrue(require.jdbcUrl(Duration.ofSeconds(5)).endsWith(
        "&sslmode=require&sslfactory=org.postgresql.ssl.NonValidatingFactory"), require.jdbcUrl(Duration.ofSeconds(5)));
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    DatabaseUrl checked = DatabaseUrl.parse("postgresql://app:pw@db/deploys?sslmode=require&sslrootcert=" + ca);
    assertFalse(checked.connectOptions().getSslOptions().isTrustAll());
    assertTrue(checked.jdbcUrl(Duration.ofSeconds(5)).contains("&sslmode=verify-ca&sslrootcert="),
        "libpq checks the chain under require when a root certificate is given");
  }

  @Test
  void sslrootcertSystemTrustsTheJvmTrustStore() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:pw@db/deploys?sslmode=verify-ca&sslrootcert=system");
    assertTrue(url.connectOptions().getSslOptions().getTrustOptions() != null);
    assertTrue(url.jdbcUrl(Duration.ofSeconds(5)).endsWith(
        "&sslmode=verify-ca&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory"));
  }

  @Test
  void disableSendsNoTls() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:pw@db/deploys?sslmode=disable");
    assertEquals(SslMode.DISABLE, url.connectOptions().getSslMode());
    assertNull(url.connectOptions().getSslOptions());
  }

  @Test
  void percentEncodedCredentialsAreDecoded() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://deploy%40corp:p%40ss%3Aw%2Frd%25%2B@db/deploys");
    assertEquals("deploy@corp", url.user());
    assertEquals("p@ss:w/rd%+", url.password());
    assertFalse(url.toString().contains("rd%"), "the description leaves the password out: " + url);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "mysql://app:hunter2hunter2@db/x | must start with postgresql://",
      "postgresql://app:hunter2hunter2@db | needs a host and a database name",
      "postgresql://app:hunter2hunter2@db/x?sslmode=strict | sslmode=strict is not a mode; write one of disable",
      "postgresql://app:hunter2hunter2@db/x?sslmode=verify-full | add &sslrootcert=/path/to/ca.pem",
      "postgresql://app:hunter2hunter2@db/x?sslmode=verify-ca&sslrootcert=/no/such/ca.pem | is not a readable file",
      "postgresql://app:hunter2hunter2@db/x?sslcert=/client.pem | the parameter `sslcert` is not read by Preflight",
      "postgresql://app:hunter2hunter2@db/x?connect_timeout=3 | DATABASE_CONNECT_TIMEOUT",
      "postgresql://app:hunter2hunter2@db/x?sslmode=disable&sslrootcert=system | only read with sslmode=verify-full",
      "postgresql://app:hunter2hunter2$@db/x | percent-encoded (@ as %40",
  })
  void aWrongUrlIsExplainedWithoutItsPassword(String url, String expected) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(url));
    assertTrue(error.getMessage().contains(expected), error.getMessage());
    assertFalse(error.getMessage().contains("hunter2hunter2"), error.getMessage());
  }
}
