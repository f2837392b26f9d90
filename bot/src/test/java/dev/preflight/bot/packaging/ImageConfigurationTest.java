package dev.preflight.bot.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The image profile's Jib configuration, checked on every build (the image itself is built only
 * with -Pimage): it starts the bot's real main class with container-sized heap flags, as the
 * non-root user the base image script creates and the Kubernetes manifests expect, on the port
 * the bot listens on by default, from the base image tarball the script writes.
 */
class ImageConfigurationTest {

  private static Element jib;

  /** What the bot's JVM was measured to use beside its heap (RSS 317 MB with 146 MB of heap committed). */
  static final long NON_HEAP_MI = 170;

  @BeforeAll
  static void parse() throws Exception {
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile())
        .getDocumentElement();
    for (Element profile : children(child(project, "profiles"), "profile")) {
      if (text(profile, "id").equals("image")) {
        for (Element plugin : children(child(child(profile, "build"), "plugins"), "plugin")) {
          if (text(plugin, "artifactId").equals("jib-maven-plugin")) {
            jib = plugin;
          }
        }
      }
    }
    assertNotNull(jib, "bot/pom.xml has an `image` profile with the Jib plugin");
  }

  @Test
  void theImageIsATarballBuiltFromTheScriptsBaseImageWithoutADaemon() throws IOException {
    List<String> goals = new ArrayList<>();
    for (Element execution : children(child(jib, "executions"), "execution")) {
      children(child(execution, "goals"), "goal").forEach(goal -> goals.add(goal.getTextContent().trim()));
    }
    assertEquals(List.of("buildTar"), goals, "buildTar needs neither a Docker daemon nor a registry");
    String base = property("preflight.base.image");
    assertTrue(base.startsWith("tar://"), base);
    Path script = Path.of("../packaging/base-image/build.sh");
    String source = Files.readString(script);
    assertTrue(base.endsWith("/packaging/base-image/target/preflight-base.tar"), base);
    assertTrue(source.contains("$here/target/preflight-base.tar"), "build.sh writes the tarball the profile reads");
  }

  @Test
  void theBotRunsAsTheScriptsNonRootUserAndAsKubernetesExpects() throws IOException {
    Element container = child(child(jib, "configuration"), "container");
    String user = text(container, "user");
    String uid = user.split(":")[0];
    assertFalse(uid.isEmpty() || uid.equals("0") || uid.equals("root"), user);

    Matcher created = Pattern.compile("(?m)^uid=(\\d+)$").matcher(Files.readString(Path.of("../packaging/base-image/build.sh")));
    assertTrue(created.find(), "build.sh names the uid it creates");
    assertEquals(created.group(1), uid, "the image runs as the user the base image has");

    Map<String, Object> pod = KubernetesManifestsTest.map(KubernetesManifestsTest.map(KubernetesManifestsTest.map(
        KubernetesManifestsTest.only(KubernetesManifestsTest.DIR.resolve("deployment.yaml")), "spec"), "template"), "spec");
    assertEquals(Integer.parseInt(uid), KubernetesManifestsTest.map(pod, "securityContext").get("runAsUser"));
  }

  @Test
  void theEntrypointStartsTheRealMainWithTheHeapSizedFromTheContainer() throws Exception {
    Element container = child(child(jib, "configuration"), "container");
    String main = text(container, "mainClass");
    assertEquals("dev.preflight.bot.Main", main);
    assertNotNull(Class.forName(main).getMethod("main", String[].class));
    List<String> flags = children(child(container, "jvmFlags"), "jvmFlag").stream()
        .map(flag -> flag.getTextContent().trim()).toList();
    assertTrue(flags.stream().anyMatch(flag -> flag.matches("-XX:MaxRAMPercentage=\\d+(\\.\\d+)?")), flags.toString());
    assertTrue(flags.contains("-XX:+ExitOnOutOfMemoryError"), flags.toString());
    assertFalse(flags.stream().anyMatch(flag -> flag.startsWith("-Xmx")), "a fixed heap would ignore the container's limit");

    // The heap the image allows at the Deployment's memory limit must leave what the JVM was
    // measured to use beside it (docs/kubernetes.md), or the kernel kills the pod before the
    // JVM ever sees an OutOfMemoryError.
    double percent = flags.stream().filter(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
        .mapToDouble(flag -> Double.parseDouble(flag.substring(flag.indexOf('=') + 1))).findFirst().orElseThrow();
    Map<String, Object> container0 = KubernetesManifestsTest.maps(KubernetesManifestsTest.map(KubernetesManifestsTest.map(
        KubernetesManifestsTest.map(KubernetesManifestsTest.only(KubernetesManifestsTest.DIR.resolve("deployment.yaml")), "spec"),
        "template"), "spec").get("containers")).get(0);
    String limit = (String) KubernetesManifestsTest.map(KubernetesManifestsTest.map(container0, "resources"), "limits").get("memory");
    long limitMi = Long.parseLong(limit.replace("Mi", ""));
    assertTrue(limitMi - limitMi * percent / 100 >= NON_HEAP_MI,
        "a " + limit + " limit with a " + percent + "% heap leaves less than the " + NON_HEAP_MI + " MiB measured beside the heap");

    List<String> ports = children(child(container, "ports"), "port").stream().map(port -> port.getTextContent().trim()).toList();
    assertEquals(List.of("3000"), ports);
    assertTrue(Files.readString(Path.of("src/main/java/dev/preflight/bot/BotSettings.java")).contains("return 3000;"),
        "the port the image exposes is the bot's default");
  }

  /** The flags that keep the JVM's own memory small (docs/operations.md); each one is there and the same as documented. */
  @Test
  void theJvmIsSizedForOneSmallServiceAsTheRunbookSays() throws Exception {
    Element container = child(child(jib, "configuration"), "container");
    List<String> flags = children(child(container, "jvmFlags"), "jvmFlag").stream()
        .map(flag -> flag.getTextContent().trim()).toList();
    String runbook = Files.readString(Path.of("../docs/operations.md"));
    for (String flag : List.of("-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:InitialRAMPercentage=8", "-Xss512k",
        "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:CICompilerCount=2")) {
      assertTrue(flags.contains(flag), flag + " in " + flags);
      assertTrue(runbook.contains("`" + flag + "`"), "docs/operations.md explains " + flag);
    }
    assertEquals("2", text(child(container, "environment"), "MALLOC_ARENA_MAX"));
  }

  private static String property(String name) {
    Element profileProperties = child((Element) jib.getParentNode().getParentNode().getParentNode(), "properties");
    return text(profileProperties, name);
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    assertEquals(1, found.size(), "one <" + name + "> in <" + parent.getTagName() + ">");
    return found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    return child(parent, name).getTextContent().trim();
  }
}
