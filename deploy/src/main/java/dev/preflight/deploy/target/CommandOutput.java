package dev.preflight.deploy.target;

import dev.preflight.deploy.check.CommandCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where a deploy command's output goes: a private temporary file rather than a pipe, because a
 * background child that inherits a pipe keeps its reader waiting long after the command itself
 * has exited. The file is read from its end only, so a chatty command costs nothing extra.
 * Blocking: call from a worker.
 */
final class CommandOutput {

  /** Enough for the last lines of a chatty build; older output is never read. */
  static final int TAIL_BYTES = 64 * 1024;
  /** The progress line only needs the end of the output. */
  private static final int LAST_LINE_BYTES = 4 * 1024;

  private final Path file;

  private CommandOutput(Path file) {
    this.file = file;
  }

  static CommandOutput create() throws IOException {
    return new CommandOutput(Files.createTempFile("preflight-deploy-", ".out"));
  }

  Path file() {
    return file;
  }

  /** The last line with any text on it, or null while the command has printed nothing. */
  String lastLine() throws IOException {
    List<String> lines = lines(LAST_LINE_BYTES);
    return lines.isEmpty() ? null : lines.get(lines.size() - 1);
  }

  /** The last {@code count} non-blank lines, oldest first. */
  List<String> lastLines(int count) throws IOException {
    List<String> lines = lines(TAIL_BYTES);
    return lines.subList(Math.max(0, lines.size() - count), lines.size());
  }

  void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  private List<String> lines(int limit) throws IOException {
    String text = tail(limit);
    return Arrays.stream(text.split("\r?\n|\r")).map(String::stripTrailing).filter(line -> !line.isBlank()).toList();
  }

  private String tail(int limit) throws IOException {
    CommandCheck.Tail tail = CommandCheck.tail(file, limit);
    String text = tail.text();
    // A cut in the middle of a line leaves half a line: drop it rather than show a fragment.
    return tail.cut() && text.indexOf('\n') >= 0 ? text.substring(text.indexOf('\n') + 1) : text;
  }

}
