package dev.preflight.bot;

import io.vertx.pgclient.SslMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a failure to reach the database into what to change in DATABASE_URL. The drivers report
 * a TLS refusal as a Java security message ("PKIX path building failed"); a user needs to hear
 * which certificate to point {@code sslrootcert} at.
 */
final class DatabaseErrors {

  private DatabaseErrors() {}

  static String explain(Throwable failure, DatabaseUrl url) {
    List<String> messages = new ArrayList<>();
    for (Throwable cause = failure; cause != null && messages.size() < 20; cause = cause.getCause()) {
      if (cause.getMessage() != null) {
        messages.add(cause.getMessage());
      }
    }
    String all = String.join(" | ", messages).toLowerCase(Locale.ROOT);
    String innermost = messages.isEmpty() ? failure.toString() : messages.get(messages.size() - 1);
    if (all.contains("could not be verified by hostnameverifier") || all.contains("no subject alternative")
        || all.contains("no name matching") || all.contains("doesn't match any of the subject alternative")) {
      return "The database server's certificate is not issued for the host `" + url.host() + "` that DATABASE_URL "
          + "names (sslmode=verify-full checks the name): connect with a host name the certificate lists, or write "
          + "sslmode=verify-ca to check only that its CA is the one in sslrootcert (" + innermost + ")";
    }
    if (url.verifiesCertificate() && (all.contains("pkix path") || all.contains("certification path")
        || all.contains("unknown_ca") || all.contains("signature check failed")
        || all.contains("certificate_unknown"))) {
      return "The database server's certificate is not signed by a CA in " + url.trustSource() + ": point "
          + "sslrootcert in DATABASE_URL at the PEM file of the CA that signed the server's certificate (a managed "
          + "PostgreSQL publishes its CA bundle), or write sslmode=require to encrypt without checking it ("
          + innermost + ")";
    }
    if (url.verifiesCertificate() && all.contains("ssl handshake failed")) {
      // The pg client reports a refused certificate without saying which check refused it.
      return "The TLS handshake with the database server failed: its certificate is not signed by a CA in "
          + url.trustSource() + (url.sslMode() == SslMode.VERIFY_FULL ? ", or does not name the host `" + url.host()
          + "`" : "") + ". Point sslrootcert in DATABASE_URL at the PEM file of the CA that signed the server's "
          + "certificate (" + innermost + ")";
    }
    if (url.sslMode() != SslMode.DISABLE && (all.contains("does not support ssl")
        || all.contains("does not handle ssl"))) {
      return "DATABASE_URL asks for TLS (sslmode=" + url.sslMode().value + ") but the database server does not "
          + "offer it: turn ssl on in the server, or write sslmode=disable (" + innermost + ")";
    }
    if (all.contains("no pg_hba.conf entry") && all.contains("no encryption")) {
      return "The database server refuses connections without TLS: write sslmode=verify-full with "
          + "sslrootcert=/path/to/ca.pem (or sslmode=require) in DATABASE_URL (" + innermost + ")";
    }
    if (all.contains("password authentication failed")) {
      return "The database refused the user `" + url.user() + "` and its password: check them in DATABASE_URL, "
          + "percent-encoded (@ as %40, : as %3A, / as %2F, % as %25) (" + innermost + ")";
    }
    return "The database could not be reached (" + url + "): " + innermost;
  }
}
