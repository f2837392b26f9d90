package dev.preflight.checklists.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one YAML file into a node tree, and only that: no objects are constructed from it.
 * Whatever is wrong with the file itself (missing, too large, not UTF-8, not YAML) becomes a
 * problem, never an exception.
 */
final class YamlFile {

  /** Config and checklists are hand-written; anything larger is a mistake or an attack. */
  static final int MAX_BYTES = 1024 * 1024;
  private static final int MAX_ALIASES = 20;
  private static final int MAX_NESTING = 20;

  private YamlFile() {}

  /** @param emptyHint what to write when the file turns out to be empty */
  static Optional<Node> read(Path path, Problems problems, String emptyHint) {
    Optional<String> text = text(path, problems);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Node root = yaml().compose(new StringReader(text.get()));
      if (root == null) {
        problems.whole("the file is empty", emptyHint);
      }
      return Optional.ofNullable(root);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      problems.add(mark == null ? 0 : mark.getLine() + 1, "", "YAML syntax error: " + e.getProblem(), null);
    } catch (YAMLException e) {
      problems.whole("YAML error: " + e.getMessage(), null);
    }
    return Optional.empty();
  }

  private static Optional<String> text(Path path, Problems problems) {
    try {
      if (!Files.exists(path)) {
        problems.whole("file not found", null);
        return Optional.empty();
      }
      if (!Files.isRegularFile(path)) {
        problems.whole("is not a file", null);
        return Optional.empty();
      }
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        problems.whole("the file is too large: " + (size + 1023) / 1024 + " KiB, the limit is 1 MiB",
            "split it into several files");
        return Optional.empty();
      }
      return decode(Files.readAllBytes(path), problems);
    } catch (IOException e) {
      problems.whole("cannot be read: " + e.getMessage(), null);
      return Optional.empty();
    }
  }

  private static Optional<String> decode(byte[] bytes, Problems problems) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      problems.add(lineAt(bytes, in.position()), "", "this line is not valid UTF-8", "save the file as UTF-8");
      return Optional.empty();
    }
    decoder.flush(out);
    String text = out.flip().toString();
    return Optional.of(text.startsWith("\uFEFF") ? text.substring(1) : text);
  }

  private static int lineAt(byte[] bytes, int position) {
    int line = 1;
    for (int i = 0; i < position; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setAllowRecursiveKeys(false);
    options.setNestingDepthLimit(MAX_NESTING);
    options.setCodePointLimit(MAX_BYTES);
    options.setMergeOnCompose(true);
    return new Yaml(options);
  }
}
