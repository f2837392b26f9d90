package dev.preflight.deploy.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Kills a process together with everything it started. Blocking: call it from a worker. */
public final class ProcessTree {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);

  private ProcessTree() {}

  /**
   * Takes the list of descendants before killing anything: once the root is dead its children
   * are re-parented and no longer show up as its descendants. The root goes first so it cannot
   * start new children while the others are being killed. Returns once all of them are gone
   * (or {@code waitLimit} passed), so whoever looks next sees no survivors.
   *
   * @return how many processes were killed
   */
  public static int kill(ProcessHandle root, Duration waitLimit) {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(root);
    tree.addAll(root.descendants().toList());
    tree.forEach(ProcessHandle::destroyForcibly);
    CompletableFuture<?>[] exits = tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture<?>[]::new);
    try {
      CompletableFuture.allOf(exits).get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.warn("Processes of process {} were still alive {} ms after being killed", root.pid(), waitLimit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return tree.size();
  }
}
