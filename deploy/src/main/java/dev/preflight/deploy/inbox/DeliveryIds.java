package dev.preflight.deploy.inbox;

import io.vertx.core.Future;

/**
 * Ids of inbound deliveries already taken in, shared by every replica, so a delivery that arrives
 * twice (or at two replicas) is told apart from a new one. What counts as a delivery, and what to
 * do with a repeat, is the caller's business.
 */
public interface DeliveryIds {

  /**
   * Keeps {@code id} and answers true, or answers false when it was kept already. Atomic across
   * replicas: of two concurrent adds of one id, exactly one answers true.
   */
  Future<Boolean> add(String id);

  /** Drops {@code id}, so the next add of it answers true again. */
  Future<Void> remove(String id);

  /** Drops the ids kept for longer than a day; answers how many. */
  Future<Integer> removeOlderThanADay();
}
