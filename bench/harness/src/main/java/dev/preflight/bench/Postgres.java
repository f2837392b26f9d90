package dev.preflight.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The "external" database of the benchmarks: a PostgreSQL server of its own (the same build the
 * bot embeds, started by zonky's launcher in a separate process tree), not the one the bot starts
 * itself. It writes a {@code DATABASE_URL} to the file given and runs until killed.
 *
 * <p>Usage: {@code Postgres DATA_DIR URL_FILE}.
 */
public final class Postgres {

  private Postgres() {
  }

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Files.createDirectories(data);
    EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        postgres.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    String url = "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
    Files.writeString(Path.of(args[1]), url);
    System.out.println("PostgreSQL on port " + postgres.getPort());
    Thread.currentThread().join();
  }
}
