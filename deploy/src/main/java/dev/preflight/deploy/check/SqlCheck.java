package dev.preflight.deploy.check;

import dev.preflight.checklists.checklist.CheckSpec;
import dev.preflight.checklists.run.Evidence;
import dev.preflight.checklists.secret.Redactor;
import dev.preflight.checklists.secret.Variables;
import dev.preflight.checklists.secret.Variables.MissingVariableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * Runs one query, in a read-only transaction that is always rolled back, against the database
 * named by an environment variable and compares the row count or the first value. The URL
 * (password included) is registered with the redactor before anything can fail, and is never
 * logged.
 */
final class SqlCheck implements Check<CheckSpec.Sql> {

  private static final int EXCERPT_ROWS = 5;
  private static final int VALUE_LIMIT = 80;

  private final Vertx vertx;

  SqlCheck(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<Evidence> attempt(CheckSpec.Sql written, Variables variables, Redactor redactor) {
    CheckSpec.Sql spec = new CheckSpec.Sql(written.databaseUrlEnv(), written.query(), written.expectRows(),
        variables.resolve(written.expectValue(), redactor), written.timing());
    long timeoutMillis = CheckRunner.timeout(spec).toMillis();
    PgConnectOptions options = connectOptions(spec.databaseUrlEnv(), variables, redactor, timeoutMillis);
    String query = variables.resolve(spec.query(), redactor);
    // A pool of one rather than a bare connection: closing it also closes a connection that is
    // still being opened when the timeout strikes.
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(1))
        .with(new NetClientOptions().setConnectTimeout((int) Math.min(timeoutMillis, Integer.MAX_VALUE)))
        .connectingTo(options)
        .using(vertx)
        .build();
    long started = System.nanoTime();
    return pool.withConnection(connection -> readOnly(connection, query))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .eventually(pool::close)
        .map(rows -> judge(spec, rows, Latency.millisSince(started), redactor));
  }

  /**
   * A check looks and never touches: the query runs in a read-only transaction that is rolled
   * back whatever happens, so a write fails with the server's own words and nothing it did stays.
   * The rollback's own failure is not the check's: a connection that died mid-way rolls back on
   * the server anyway.
   */
  private static Future<RowSet<Row>> readOnly(SqlConnection connection, String query) {
    return connection.query("BEGIN READ ONLY").execute()
        .compose(begun -> connection.query(query).execute())
        .eventually(() -> connection.query("ROLLBACK").execute());
  }

  private static PgConnectOptions connectOptions(
      String variable, Variables variables, Redactor redactor, long timeoutMillis) {
    String url = variables.get(variable).orElseThrow(() -> new MissingVariableException(variable));
    redactor.add(url);
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      // The parser's message quotes the URL; ours names only the variable.
      throw new InvalidSpecException(variable + " does not hold a postgresql://user:pass@host:port/db URL");
    }
    redactor.add(options.getPassword());
    // The server gives up on a slow query by itself, so a check that timed out leaves no query
    // running behind it.
    options.addProperty("statement_timeout", String.valueOf(timeoutMillis));
    options.addProperty("application_name", "preflight-check");
    return options;
  }

  private static Evidence judge(CheckSpec.Sql spec, RowSet<Row> rows, long latencyMillis, Redactor redactor) {
    int count = rows.columnsNames() == null ? rows.rowCount() : rows.size();
    Row first = count > 0 && rows.iterator().hasNext() ? rows.iterator().next() : null;
    String value = first == null || first.size() == 0 ? null : text(first.getValue(0));
    List<String> problems = new ArrayList<>();
    if (spec.expectRows() != null && spec.expectRows() != count) {
      problems.add("expected " + rowCount(spec.expectRows()) + ", got " + count);
    }
    if (spec.expectValue() != null) {
      if (first == null) {
        problems.add("expected \"" + spec.expectValue() + "\", but the query returned no rows");
      } else if (!Objects.equals(spec.expectValue(), value)) {
        problems.add("expected \"" + spec.expectValue() + "\", got " + shown(value, redactor));
      }
    }
    String summary = problems.isEmpty() ? passed(count, value, latencyMillis, redactor) : problems.get(0);
    return new Evidence(
        problems.isEmpty(),
        redactor.redact(summary),
        null,
        latencyMillis,
        excerpt(rows, redactor),
        problems.isEmpty() ? null : redactor.redact(String.join("; ", problems)),
        1);
  }

  private static String passed(int count, String value, long latencyMillis, Redactor redactor) {
    String first = value == null ? "" : ", first value " + shown(value, redactor);
    return rowCount(count) + first + " in " + latencyMillis + " ms";
  }

  private static String excerpt(RowSet<Row> rows, Redactor redactor) {
    if (rows.columnsNames() == null || rows.size() == 0) {
      return null;
    }
    StringJoiner lines = new StringJoiner("\n");
    int shown = 0;
    for (Row row : rows) {
      if (shown++ == EXCERPT_ROWS) {
        lines.add("… " + (rows.size() - EXCERPT_ROWS) + " more");
        break;
      }
      StringJoiner columns = new StringJoiner(", ");
      for (int i = 0; i < row.size(); i++) {
        columns.add(row.getColumnName(i) + "=" + text(row.getValue(i)));
      }
      lines.add(columns.toString());
    }
    return redactor.redact(lines.toString());
  }

  /** Redacts before cutting, so a long secret cannot slip out half-masked. */
  private static String shown(String value, Redactor redactor) {
    if (value == null) {
      return "NULL";
    }
    String redacted = redactor.redact(value);
    return "\"" + (redacted.length() > VALUE_LIMIT ? redacted.substring(0, VALUE_LIMIT) + "…" : redacted) + "\"";
  }

  private static String text(Object value) {
    return value == null ? null : value.toString();
  }

  private static String rowCount(int count) {
    return count == 1 ? "1 row" : count + " rows";
  }
}
