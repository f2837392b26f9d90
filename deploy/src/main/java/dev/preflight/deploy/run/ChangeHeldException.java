package dev.preflight.deploy.run;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * A change was not written now because the database does not answer; it is kept in memory and
 * written when the database returns. Not an error to report: the person who asked is told their
 * change is saved, and {@link #applied()} tells how it ends (a rule may still refuse it then).
 */
public final class ChangeHeldException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient Future<?> applied;

  public ChangeHeldException(Future<?> applied) {
    super("The database is unreachable; the change is kept and will be written when it returns.", null, false, false);
    this.applied = applied;
  }

  /** Completes when the change has been written, or fails with why it never will be. */
  public Future<?> applied() {
    return applied;
  }

  /** The same held change, with what its eventual result means decided by {@code then}. */
  public ChangeHeldException then(Function<Object, Future<?>> then) {
    return new ChangeHeldException(applied.compose(then::apply));
  }
}
