package dev.preflight.deploy.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where a program's output (stdout and stderr interleaved) goes: a private temporary file rather
 * than a pipe, because a background child that inherits a pipe keeps its reader waiting long
 * after the program itself has exited. The file is read from its end only, so a chatty program
 * costs nothing extra. Blocking: call from a worker.
 */
public final class ProcessOutput {

  /** Enough for the last lines of a chatty build; older output is never read. */
  public static final int TAIL_BYTES = 64 * 1024;
  /** The progress line only needs the end of the output. */
  private static final int LAST_LINE_BYTES = 4 * 1024;

  private final Path file;

  private ProcessOutput(Path file) {
    this.file = file;
  }

  /** @param prefix names the temporary file after its user ("preflight-deploy-") */
  public static ProcessOutput create(String prefix) throws IOException {
    return new ProcessOutput(Files.createTempFile(prefix, ".out"));
  }

  public Path file() {
    return file;
  }

  /** The end of the output, and whether anything before it was left out. */
  public record Tail(String text, boolean cut) {}

  /** The last {@code limit} bytes of the output, as text. */
  public Tail tail(int limit) throws IOException {
    try (RandomAccessFile output = new RandomAccessFile(file.toFile(), "r")) {
      long length = output.length();
      long from = Math.max(0, length - limit);
      byte[] bytes = new byte[(int) (length - from)];
      output.seek(from);
      output.readFully(bytes);
      return new Tail(new String(bytes, StandardCharsets.UTF_8), from > 0);
    }
  }

  /** The last line with any text on it, or null while the program has printed nothing. */
  public String lastLine() throws IOException {
    List<String> lines = lines(LAST_LINE_BYTES);
    return lines.isEmpty() ? null : lines.get(lines.size() - 1);
  }

  /** The last {@code count} non-blank lines, oldest first. */
  public List<String> lastLines(int count) throws IOException {
    List<String> lines = lines(TAIL_BYTES);
    return lines.subList(Math.max(0, lines.size() - count), lines.size());
  }

  public void delete() throws IOException {
    Files.deleteIfExists(file);
  }

  private List<String> lines(int limit) throws IOException {
    Tail tail = tail(limit);
    String text = tail.text();
    // A cut in the middle of a line leaves half a line: drop it rather than show a fragment.
    String whole = tail.cut() && text.indexOf('\n') >= 0 ? text.substring(text.indexOf('\n') + 1) : text;
    return Arrays.stream(whole.split("\r?\n|\r")).map(String::stripTrailing).filter(line -> !line.isBlank()).toList();
  }
}
