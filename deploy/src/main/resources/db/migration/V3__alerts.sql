-- Alerts from monitoring, one row per alert (source and grouping key): where its Slack message
-- is, and how often it fired. A repeat updates the row and the message instead of posting again.
-- The claim marks who is posting the first message, so a repeat arriving while that post is in
-- flight does not post a second one; a claim left by a replica that died goes stale and is taken over.
create table alerts (
  source       text        not null,
  group_key    text        not null,
  service      text        not null,
  environment  text        not null,
  channel      text        not null,
  message_ts   text,
  status       text        not null check (status in ('firing', 'resolved')),
  severity     text        not null,
  summary      text        not null,
  count        integer     not null default 1,
  first_seen   timestamptz not null,
  last_seen    timestamptz not null,
  resolved_at  timestamptz,
  claim        uuid,
  claimed_at   timestamptz,
  primary key (source, group_key)
);

create index alerts_by_environment on alerts (service, environment, last_seen desc);
