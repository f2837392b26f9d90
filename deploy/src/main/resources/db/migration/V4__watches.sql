-- The post-deploy watch (issue 4): after a deploy succeeds, its environment's verification runs
-- again on a schedule kept here, so the schedule survives a restart and several replicas share
-- it. A replica claims a due watch for a while (claim_owner, claim_until) with FOR UPDATE SKIP
-- LOCKED; only the holder of the claim may record the pass.
create table watches (
  run_id       uuid        primary key references runs (id) on delete cascade,
  service      text        not null,
  environment  text        not null,
  version      text        not null,
  every_ms     bigint      not null check (every_ms > 0),
  until        timestamptz not null,
  next_at      timestamptz not null,
  passes       int         not null default 0,
  last_at      timestamptz,
  last_result  jsonb,
  -- failing passes in a row; the first of a streak is the one that alerts
  failures     int         not null default 0,
  alerted_at   timestamptz,
  stopped_at   timestamptz,
  stop_reason  text,
  claim_owner  text,
  claim_until  timestamptz
);

create index watches_due on watches (next_at) where stopped_at is null;
create index watches_live on watches (service, environment) where stopped_at is null;
