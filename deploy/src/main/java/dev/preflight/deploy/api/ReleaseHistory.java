package dev.preflight.deploy.api;

import dev.preflight.checklists.deploy.Release;
import io.vertx.core.Future;
import java.util.List;

/** What went out to a service's environment: its releases and rollbacks, newest first. */
@FunctionalInterface
public interface ReleaseHistory {

  /** At most {@code limit} releases of one service and environment, newest first. */
  Future<List<Release>> releases(String service, String environment, int limit);
}
