-- Whether a run's message shows the Rollback button as last published. Rollback is offered only
-- on the newest launched run of an environment; when a newer one launches, the older messages
-- that still offer it are found here and published again without it.
alter table run_publications add column offers_rollback boolean not null default false;

-- Messages published before this version showed Rollback on every run that could roll back.
update run_publications p set offers_rollback = true
  from runs r where r.id = p.run_id and r.kind = 'deploy' and r.status in ('SUCCEEDED', 'FAILED', 'ROLLBACK_FAILED');
