-- Deploy runs: the deployment attached to a run, releases per service and environment (what a
-- rollback restores), environment locks, and leases so that exactly one replica drives a deploy.
alter table runs
  add column service     text,
  add column environment text,
  add column lease_owner text,
  add column lease_until timestamptz;

-- At most one run per service and environment is deploying, verifying or rolling back. The
-- launch transaction checks this first; the index makes it impossible to get wrong.
create unique index runs_one_in_flight on runs (service, environment)
  where kind = 'deploy' and status in ('DEPLOYING', 'VERIFYING', 'ROLLING_BACK');
create index runs_by_environment on runs (service, environment, started_at desc) where kind = 'deploy';

create table deployments (
  run_id                 uuid primary key references runs (id) on delete cascade,
  service                text        not null,
  environment            text        not null,
  version                text        not null,
  step                   text,
  progress               text,
  deploy_state           jsonb       not null default '{}'::jsonb,
  rollback_state         jsonb       not null default '{}'::jsonb,
  verification           jsonb       not null default '[]'::jsonb,
  rollback_verification  jsonb       not null default '[]'::jsonb,
  previous               jsonb,
  launched_by            text,
  launched_at            timestamptz,
  failure                text,
  rollback_by            text,
  rollback_at            timestamptz,
  rollback_reason        text,
  finished_at            timestamptz,
  abort_requested_by     text,
  abort_requested_at     timestamptz
);

create table releases (
  id           bigserial   primary key,
  service      text        not null,
  environment  text        not null,
  version      text,
  revision     text,
  run_id       uuid        references runs (id),
  released_by  text,
  released_at  timestamptz not null,
  kind         text        not null check (kind in ('deploy', 'rollback'))
);

create index releases_latest on releases (service, environment, id desc);

create table environment_locks (
  service      text        not null,
  environment  text        not null,
  reason       text        not null,
  locked_by    text,
  locked_at    timestamptz not null,
  primary key (service, environment)
);
