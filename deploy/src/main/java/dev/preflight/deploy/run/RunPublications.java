package dev.preflight.deploy.run;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What each run's message last showed, measured in the run's state version (a number that grows
 * with every change the message shows: see V6__published_state.sql). A run whose message shows
 * less than its stored state is behind; whoever publishes it records the version it rendered
 * once the message shows it.
 *
 * <p>Also the intent of a first post: recorded before the message is posted, so that after a
 * crash between the post and storing where it went, the message is looked up, not posted twice.
 */
public final class RunPublications {

  /** A run's state version, read before rendering it: a later change has a larger one. */
  private static final String VERSION = "greatest(r.state_seq, coalesce(d.state_seq, 0), coalesce(w.state_seq, 0))";
  private static final String RUN_WITH_PARTS = "runs r left join deployments d on d.run_id = r.id "
      + "left join watches w on w.run_id = r.id";

  /** How long a run's first post is left to the replica that started it before others step in. */
  public static final Duration FIRST_POST_GRACE = Duration.ofMinutes(1);

  private final Pool pool;

  public RunPublications(Pool pool) {
    this.pool = pool;
  }

  /** The run's current state version; a message rendered after reading it shows at least that. */
  public Future<Long> version(String runId) {
    return pool.preparedQuery("select " + VERSION + " as version from " + RUN_WITH_PARTS + " where r.id = $1")
        .execute(Tuple.of(UUID.fromString(runId)))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("version"));
  }

  /** Records that the run's message now shows {@code version}; an older report never lowers it. */
  public Future<Void> shown(String runId, long version) {
    return pool.preparedQuery("insert into run_publications (run_id, shown_seq, shown_at) values ($1, $2, now()) "
            + "on conflict (run_id) do update set shown_seq = greatest(coalesce(run_publications.shown_seq, -1), "
            + "excluded.shown_seq), shown_at = now()")
        .execute(Tuple.of(UUID.fromString(runId), version))
        .mapEmpty();
  }

  /**
   * Records that the run's message now shows {@code version}, and whether it offers Rollback;
   * an older report never lowers the version.
   */
  public Future<Void> shown(String runId, long version, boolean offersRollback) {
    return pool.preparedQuery("insert into run_publications (run_id, shown_seq, shown_at, offers_rollback) "
            + "values ($1, $2, now(), $3) on conflict (run_id) do update set shown_seq = "
            + "greatest(coalesce(run_publications.shown_seq, -1), excluded.shown_seq), shown_at = now(), "
            + "offers_rollback = excluded.offers_rollback")
        .execute(Tuple.of(UUID.fromString(runId), version, offersRollback))
        .mapEmpty();
  }

  /**
   * Whether the run is the newest launched run of its service and environment: the one whose
   * release is current there, and the only one a rollback may start from. A later run whose target
   * never started ({@link TargetStart}) changed nothing and does not count. A run that never
   * launched (or is no deploy run) answers true.
   */
  public Future<Boolean> newestLaunched(String runId) {
    return pool.preparedQuery("select not exists (select 1 from deployments me join deployments d "
            + "on d.service = me.service and d.environment = me.environment "
            + "where me.run_id = $1 and d.launched_at > me.launched_at and " + TargetStart.sql("d") + ") as newest")
        .execute(Tuple.of(UUID.fromString(runId)))
        .map(rows -> rows.iterator().next().getBoolean("newest"));
  }

  /**
   * The runs of the same service and environment, launched before this one, whose message was
   * last published with Rollback on it; oldest first. None while this run's target has not
   * started: until it does, it leaves their rollback as it was.
   */
  public Future<List<String>> olderOfferingRollback(String runId) {
    return pool.preparedQuery("select d.run_id from deployments me join deployments d "
            + "on d.service = me.service and d.environment = me.environment "
            + "join run_publications p on p.run_id = d.run_id "
            + "where me.run_id = $1 and d.launched_at < me.launched_at and p.offers_rollback "
            + "and " + TargetStart.sql("me") + " "
            + "order by d.launched_at")
        .execute(Tuple.of(UUID.fromString(runId)))
        .map(rows -> {
          List<String> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("run_id").toString()));
          return ids;
        });
  }

  /**
   * Records that a first post of the run's message is about to start and answers when the
   * earliest such attempt began, which is where a lookup for a message already posted starts.
   */
  public Future<Instant> intendToPost(String runId) {
    return pool.preparedQuery("insert into run_publications (run_id, posting_since) values ($1, now()) "
            + "on conflict (run_id) do update set posting_since = coalesce(run_publications.posting_since, now()) "
            + "returning posting_since")
        .execute(Tuple.of(UUID.fromString(runId)))
        .map(rows -> rows.iterator().next().getOffsetDateTime("posting_since").toInstant());
  }

  /** When an earlier first post of the run's message began, if one may have posted it. */
  public Future<Optional<Instant>> postingSince(String runId) {
    return pool.preparedQuery("select posting_since from run_publications where run_id = $1")
        .execute(Tuple.of(UUID.fromString(runId)))
        .map(rows -> rows.size() == 0 ? Optional.<Instant>empty()
            : Optional.ofNullable(rows.iterator().next().getOffsetDateTime("posting_since"))
                .map(OffsetDateTime::toInstant));
  }

  /** Whether a run of the channel is being posted and does not know its message yet. */
  public Future<Boolean> postingIn(String channelId) {
    return pool.preparedQuery("select 1 from runs r join run_publications p on p.run_id = r.id "
            + "where r.channel_id = $1 and r.message_ts is null and p.posting_since is not null limit 1")
        .execute(Tuple.of(channelId))
        .map(rows -> rows.size() > 0);
  }

  /**
   * Claims up to {@code limit} runs whose message is behind their stored state (or was never
   * posted, once {@link #FIRST_POST_GRACE} has passed since the run started or its first post
   * began, or still offers Rollback although a newer run of its environment launched since and
   * its target started) for
   * {@code hold}, skipping runs another replica claimed and still holds. Answers their ids,
   * oldest change first.
   */
  public Future<List<String>> claimBehind(String owner, Duration hold, int limit) {
    return pool.preparedQuery("with behind as ("
            + "select r.id, " + VERSION + " as version from " + RUN_WITH_PARTS
            + " left join run_publications p on p.run_id = r.id "
            + "where r.channel_id is not null and ((" + VERSION + " > coalesce(p.shown_seq, -1) "
            // A run not posted yet is left to the replica posting it for a while: a second
            // replica looking it up while the first post is under way would post it again.
            + "and (r.message_ts is not null or coalesce(p.posting_since, r.started_at) < now() - "
            + "make_interval(secs => $4))) "
            // Its message offers Rollback although a newer release of its environment landed.
            + "or (r.message_ts is not null and p.offers_rollback and exists (select 1 from deployments newer "
            + "where newer.service = d.service and newer.environment = d.environment "
            + "and newer.launched_at > d.launched_at and " + TargetStart.sql("newer") + "))) "
            + "and (p.claim_until is null or p.claim_until < now() or p.claim_owner = $1) "
            + "order by version limit $3) "
            + "insert into run_publications (run_id, claim_owner, claim_until) "
            + "select id, $1, now() + make_interval(secs => $2) from behind "
            + "on conflict (run_id) do update set claim_owner = excluded.claim_owner, "
            + "claim_until = excluded.claim_until "
            + "where run_publications.claim_until is null or run_publications.claim_until < now() "
            + "or run_publications.claim_owner = excluded.claim_owner "
            + "returning run_id")
        .execute(Tuple.of(owner, hold.toMillis() / 1000.0, limit, FIRST_POST_GRACE.toMillis() / 1000.0))
        .map(rows -> {
          List<String> ids = new ArrayList<>();
          for (Row row : rows) {
            ids.add(row.getUUID("run_id").toString());
          }
          return ids;
        });
  }
}
