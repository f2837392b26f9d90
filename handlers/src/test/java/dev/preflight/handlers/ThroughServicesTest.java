package dev.preflight.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Slack surface reaches {@code deploy} through its services, never through the classes that
 * hold the SQL: a storage change must not ripple into Slack code.
 */
class ThroughServicesTest {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern STORAGE_IMPORT =
      Pattern.compile("^import (static )?(dev\\.preflight\\.deploy\\.[\\w.]*?(\\w+(Store|Repository|Table)))\\b",
          Pattern.MULTILINE);

  @Test
  void handlersImportNoStoreRepositoryOrTableOfDeploy() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher matcher = STORAGE_IMPORT.matcher(Files.readString(file));
        while (matcher.find()) {
          found.add(SOURCES.relativize(file) + " imports " + matcher.group(2));
        }
      }
    }
    assertEquals(List.of(), found);
  }

  @Test
  void theRuleRecognisesAStorageImport() {
    assertTrue(STORAGE_IMPORT.matcher("import dev.preflight.deploy.run.DeploymentStore;").find());
    assertTrue(STORAGE_IMPORT.matcher("import dev.preflight.deploy.run.RunRepository.NoSuchRunException;").find());
    assertTrue(STORAGE_IMPORT.matcher("import dev.preflight.deploy.inbox.DeliveryTable;").find());
    assertFalse(STORAGE_IMPORT.matcher("import dev.preflight.deploy.alert.AlertDeliveries;").find());
  }
}
