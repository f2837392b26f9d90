package dev.preflight.bot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The versioned SQL migrations this build carries, by script name, with the checksum Flyway
 * stores for each in its history: a CRC32 over the script's lines, each without its line break,
 * UTF-8 encoded, a byte-order mark dropped. Lets the bot see that a database is up to date
 * without loading Flyway.
 */
final class Migrations {

  /** Flyway's default naming of versioned SQL migrations: {@code V7__change_ids.sql}. */
  private static final Pattern VERSIONED = Pattern.compile("V[0-9][0-9._]*__.+\\.sql");

  private Migrations() {}

  /**
   * Script name → checksum for every versioned migration under {@code location} in every jar or
   * directory of the class path; empty when one of them holds none, is anything else, cannot be
   * read, or two hold the same script, so the caller leaves the decision to Flyway.
   */
  static Map<String, Integer> bundled(ClassLoader loader, String location) {
    try {
      Map<String, Integer> scripts = new HashMap<>();
      Enumeration<URL> roots = loader.getResources(location);
      while (roots.hasMoreElements()) {
        Map<String, Integer> found = scripts(roots.nextElement(), location);
        for (Map.Entry<String, Integer> script : found.entrySet()) {
          if (scripts.put(script.getKey(), script.getValue()) != null) {
            return Map.of();
          }
        }
        if (found.isEmpty()) {
          return Map.of();
        }
      }
      return scripts;
    } catch (IOException | URISyntaxException | UncheckedIOException e) {
      return Map.of();
    }
  }

  private static Map<String, Integer> scripts(URL url, String location) throws IOException, URISyntaxException {
    Map<String, Integer> scripts = new HashMap<>();
    if (url.getProtocol().equals("jar")) {
      URLConnection connection = url.openConnection();
      connection.setUseCaches(true);
      JarFile jar = ((JarURLConnection) connection).getJarFile();
      String prefix = location + "/";
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0 && isVersioned(name, prefix)) {
          try (InputStream in = jar.getInputStream(entry)) {
            scripts.put(name.substring(prefix.length()), checksum(in));
          }
        }
      }
    } else if (url.getProtocol().equals("file")) {
      try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String name = file.getFileName().toString();
          if (Files.isRegularFile(file) && VERSIONED.matcher(name).matches()) {
            try (InputStream in = Files.newInputStream(file)) {
              scripts.put(name, checksum(in));
            }
          }
        }
      }
    }
    return scripts;
  }

  private static boolean isVersioned(String name, String prefix) {
    return VERSIONED.matcher(name.substring(prefix.length())).matches();
  }

  /** Flyway's checksum of one script. */
  static int checksum(InputStream script) throws IOException {
    CRC32 crc = new CRC32();
    BufferedReader lines = new BufferedReader(new InputStreamReader(script, StandardCharsets.UTF_8), 4096);
    String line = lines.readLine();
    if (line != null && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
      line = line.substring(1);
    }
    while (line != null) {
      crc.update(line.getBytes(StandardCharsets.UTF_8));
      line = lines.readLine();
    }
    return (int) crc.getValue();
  }
}
