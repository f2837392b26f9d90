package dev.preflight.deploy.runner;

import dev.preflight.deploy.target.TargetJournal;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One pipeline step's own view of the run's deploy or rollback state: the entries under its
 * prefix ({@code after.0.}), without the prefix. What it records joins the state under that
 * prefix, so steps never read or overwrite each other's entries or the target's.
 */
final class PipelineJournal implements TargetJournal {

  private final RunJournal run;
  private final String prefix;

  PipelineJournal(RunJournal run, String prefix) {
    this.run = run;
    this.prefix = prefix;
  }

  /** The entries of the step under {@code prefix} in {@code state}, without the prefix. */
  static Map<String, String> own(Map<String, String> state, String prefix) {
    Map<String, String> own = new LinkedHashMap<>();
    state.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        own.put(key.substring(prefix.length()), value);
      }
    });
    return own;
  }

  @Override
  public Map<String, String> state() {
    return own(run.state(), prefix);
  }

  @Override
  public Future<Void> record(Map<String, String> entries) {
    Map<String, String> prefixed = new LinkedHashMap<>();
    entries.forEach((key, value) -> prefixed.put(prefix + key, value));
    return run.record(prefixed);
  }

  @Override
  public void progress(String step, String detail) {
    run.progress(step, detail);
  }

  @Override
  public Future<Void> aborted() {
    return run.aborted();
  }

  @Override
  public Future<Void> stopping() {
    return run.stopping();
  }

  Future<Void> settled() {
    return run.settled();
  }
}
