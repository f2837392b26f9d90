-- ABORTING is a run status of its own: a deploy stopping after an abort is still in flight until
-- its step has stopped, so it keeps its environment's one in-flight slot (no second launch or
-- rollback slips in meanwhile) and counts among the active runs.
drop index runs_one_in_flight;
create unique index runs_one_in_flight on runs (service, environment)
  where kind = 'deploy' and status in ('DEPLOYING', 'VERIFYING', 'ABORTING', 'ROLLING_BACK');

drop index runs_active;
create index runs_active on runs (status)
  where status in ('PREPARING', 'READY', 'DEPLOYING', 'VERIFYING', 'ABORTING', 'ROLLING_BACK');
