package dev.preflight.bot;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.KeyStoreException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;

/**
 * A {@code DATABASE_URL} as libpq reads it, for the reactive pool and for the JDBC driver the
 * migrations use, so both connect the same way. The pg client's {@link PgConnectOptions#fromUri}
 * reads the host, port, database, percent-encoded credentials, {@code sslmode} and
 * {@code application_name}; what it leaves out (the certificate to trust, what each
 * {@code sslmode} checks) is filled in here. A parameter Preflight would not honour is refused
 * rather than ignored, and no error message carries the password.
 *
 * @param rootCert the PEM file of {@code sslrootcert}, or empty for the JVM's trust store
 *     ({@code sslrootcert=system}) or when the mode verifies nothing
 */
public record DatabaseUrl(
    String host,
    int port,
    String database,
    String user,
    String password,
    SslMode sslMode,
    Optional<Path> rootCert,
    String applicationName) {

  public static final String DEFAULT_APPLICATION_NAME = "preflight";
  /** Like libpq's: TLS when the server offers it, plain otherwise. */
  public static final SslMode DEFAULT_SSL_MODE = SslMode.PREFER;
  /** libpq's word for the platform's trusted CAs (here: the JVM's trust store). */
  static final String SYSTEM_ROOT_CERT = "system";

  private static final String EXAMPLE = "postgresql://user:password@host:5432/dbname?sslmode=verify-full"
      + "&sslrootcert=/path/to/ca.pem";
  private static final Set<String> READ_BY_THE_PG_CLIENT = Set.of("host", "hostaddr", "port", "user", "password",
      "dbname", "sslmode", "application_name");
  private static final Set<String> READ_HERE = Set.of("sslrootcert");
  private static final Pattern HAS_DATABASE = Pattern.compile("^[a-z]+://[^/?#]*/[^/?#]+.*");

  public DatabaseUrl {
    if (rootCert.isPresent() && (sslMode == SslMode.DISABLE || sslMode == SslMode.ALLOW
        || sslMode == SslMode.PREFER)) {
      throw new IllegalArgumentException("DATABASE_URL: sslrootcert is only read with sslmode=verify-full, "
          + "verify-ca or require; write sslmode=verify-full to check the server's certificate against it");
    }
  }

  /** The embedded server: local, no TLS. */
  static DatabaseUrl local(int port) {
    return new DatabaseUrl("localhost", port, "postgres", "postgres", "postgres", SslMode.DISABLE, Optional.empty(),
        DEFAULT_APPLICATION_NAME);
  }

  /** Reads a {@code postgresql://} URL; the message of what it throws says what to write instead. */
  public static DatabaseUrl parse(String url) {
    String trimmed = url.trim();
    if (!trimmed.startsWith("postgresql://") && !trimmed.startsWith("postgres://")) {
      throw new IllegalArgumentException("DATABASE_URL must start with postgresql://, e.g. " + EXAMPLE);
    }
    int question = trimmed.indexOf('?');
    Map<String, String> parameters = parameters(question < 0 ? "" : trimmed.substring(question + 1));
    for (String name : parameters.keySet()) {
      if (!READ_BY_THE_PG_CLIENT.contains(name) && !READ_HERE.contains(name)) {
        throw new IllegalArgumentException("DATABASE_URL: the parameter `" + name + "` is not read by Preflight; "
            + "it reads sslmode, sslrootcert and application_name (the pool size and connect timeout are the "
            + "settings DATABASE_POOL_SIZE and DATABASE_CONNECT_TIMEOUT)");
      }
    }
    SslMode sslMode = Optional.ofNullable(parameters.get("sslmode")).map(DatabaseUrl::sslMode)
        .orElse(DEFAULT_SSL_MODE);
    Optional<Path> rootCert = rootCert(parameters.get("sslrootcert"), sslMode);
    String beforeQuery = question < 0 ? trimmed : trimmed.substring(0, question);
    if (!HAS_DATABASE.matcher(beforeQuery).matches() && !parameters.containsKey("dbname")) {
      throw new IllegalArgumentException("DATABASE_URL needs a host and a database name: " + EXAMPLE);
    }
    PgConnectOptions parsed;
    try {
      parsed = PgConnectOptions.fromUri(trimmed);
    } catch (IllegalArgumentException e) {
      // The pg client's own message repeats the whole URL, password included; its cause does not.
      String reason = e.getCause() != null ? e.getCause().getMessage() : "not a connection URI";
      throw new IllegalArgumentException("DATABASE_URL could not be read (" + withoutQuery(reason, question < 0
          ? "" : trimmed.substring(question + 1)) + "); write " + EXAMPLE
          + ", with characters other than letters, digits and -._~ in the user and password percent-encoded "
          + "(@ as %40, : as %3A, / as %2F, % as %25)");
    }
    String authority = beforeQuery.substring(beforeQuery.indexOf("://") + 3);
    int at = authority.lastIndexOf('@');
    boolean userGiven = at >= 0 || parameters.containsKey("user");
    boolean passwordGiven = (at >= 0 && authority.substring(0, at).contains(":")) || parameters.containsKey("password");
    String applicationName = Optional.ofNullable(parsed.getProperties().get("application_name"))
        .filter(name -> parameters.containsKey("application_name"))
        .orElse(DEFAULT_APPLICATION_NAME);
    return new DatabaseUrl(parsed.getHost(), parsed.getPort(), parsed.getDatabase(),
        userGiven ? parsed.getUser() : "postgres", passwordGiven ? parsed.getPassword() : "", sslMode, rootCert,
        applicationName);
  }

  /** What the reactive pool connects with. */
  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password)
        .setSslMode(sslMode);
    Map<String, String> properties = new HashMap<>(PgConnectOptions.DEFAULT_PROPERTIES);
    properties.put("application_name", applicationName);
    options.setProperties(properties);
    if (sslMode != SslMode.DISABLE) {
      options.setSslOptions(tls());
    }
    return options;
  }

  /** The same connection for the JDBC driver (pgjdbc); user and password are passed beside it. */
  public String jdbcUrl(Duration connectTimeout) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("ApplicationName", applicationName);
    parameters.put("connectTimeout", Long.toString(Math.max(1, ceilSeconds(connectTimeout))));
    switch (sslMode) {
      case DISABLE, ALLOW, PREFER -> parameters.put("sslmode", sslMode.value);
      case REQUIRE -> {
        if (rootCert.isEmpty()) {
          parameters.put("sslmode", "require");
          parameters.put("sslfactory", "org.postgresql.ssl.NonValidatingFactory");
        } else {
          // libpq checks the chain under require when a root certificate is given; pgjdbc would not.
          parameters.put("sslmode", "verify-ca");
        }
      }
      case VERIFY_CA, VERIFY_FULL -> parameters.put("sslmode", sslMode.value);
    }
    if (sslMode == SslMode.REQUIRE || sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_FULL) {
      rootCert.ifPresentOrElse(
          file -> parameters.put("sslrootcert", file.toString()),
          () -> {
            if (sslMode != SslMode.REQUIRE) {
              parameters.put("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
            }
          });
    }
    StringBuilder url = new StringBuilder("jdbc:postgresql://")
        .append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port)
        .append('/').append(encode(database));
    char separator = '?';
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      url.append(separator).append(parameter.getKey()).append('=').append(encode(parameter.getValue()));
      separator = '&';
    }
    return url.toString();
  }

  /** Whether this URL checks the server's certificate at all (chain, and the host name under verify-full). */
  boolean verifiesCertificate() {
    return sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_FULL
        || (sslMode == SslMode.REQUIRE && rootCert.isPresent());
  }

  /** Where the trusted CAs come from, in the words a user wrote. */
  String trustSource() {
    return rootCert.map(file -> "sslrootcert=" + file).orElse("sslrootcert=system (the JVM's trust store)");
  }

  private ClientSSLOptions tls() {
    ClientSSLOptions tls = new ClientSSLOptions();
    // The pg client checks the host name only when an algorithm is named; "" means: do not.
    tls.setHostnameVerificationAlgorithm(sslMode == SslMode.VERIFY_FULL ? "HTTPS" : "");
    if (!verifiesCertificate()) {
      tls.setTrustAll(true);
      return tls;
    }
    tls.setTrustOptions(rootCert.<TrustOptions>map(file -> new PemTrustOptions().addCertPath(file.toString()))
        .orElseGet(DatabaseUrl::jvmTrustStore));
    return tls;
  }

  private static TrustOptions jvmTrustStore() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init((KeyStore) null);
      return TrustOptions.wrap(factory);
    } catch (NoSuchAlgorithmException | KeyStoreException e) {
      throw new IllegalStateException("the JVM's trust store could not be read: " + e.getMessage(), e);
    }
  }

  private static SslMode sslMode(String value) {
    for (SslMode mode : SslMode.values()) {
      if (mode.value.equals(value.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException("DATABASE_URL: sslmode=" + value + " is not a mode; write one of disable, "
        + "allow, prefer, require, verify-ca, verify-full");
  }

  private static Optional<Path> rootCert(String value, SslMode sslMode) {
    boolean verifies = sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_FULL;
    if (value == null || value.isBlank()) {
      if (verifies) {
        throw new IllegalArgumentException("DATABASE_URL: sslmode=" + sslMode.value + " checks the server's "
            + "certificate, so it needs the CA that signed it: add &sslrootcert=/path/to/ca.pem (your provider's CA "
            + "bundle, in PEM), or &sslrootcert=system to trust the JVM's trust store");
      }
      return Optional.empty();
    }
    if (value.equals(SYSTEM_ROOT_CERT)) {
      if (!verifies) {
        throw new IllegalArgumentException("DATABASE_URL: sslrootcert=system is only read with sslmode=verify-full "
            + "or verify-ca");
      }
      return Optional.empty();
    }
    Path file = Path.of(value);
    if (!Files.isReadable(file) || Files.isDirectory(file)) {
      throw new IllegalArgumentException("DATABASE_URL: sslrootcert=" + value + " is not a readable file; point it at "
          + "the PEM file of the CA that signed the database server's certificate");
    }
    return Optional.of(file.toAbsolutePath());
  }

  /** The query, split as libpq splits it; later values win, as in the pg client. */
  private static Map<String, String> parameters(String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("DATABASE_URL: `" + (equals < 0 ? pair : "=") + "` in the query is not "
            + "name=value; e.g. " + EXAMPLE);
      }
      parameters.put(pair.substring(0, equals).toLowerCase(Locale.ROOT),
          URLDecoder.decode(pair.substring(equals + 1).trim(), StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static String withoutQuery(String reason, String query) {
    return query.isEmpty() || reason == null ? String.valueOf(reason) : reason.replace(query, "…");
  }

  private static long ceilSeconds(Duration duration) {
    return (duration.toMillis() + 999) / 1000;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "DatabaseUrl[" + user + "@" + host + ":" + port + "/" + database + ", sslmode=" + sslMode.value
        + rootCert.map(file -> ", sslrootcert=" + file).orElse("") + ", application_name=" + applicationName + "]";
  }
}
