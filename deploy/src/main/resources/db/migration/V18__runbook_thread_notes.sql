-- Which of a runbook run's thread notes (a step's output, the final report) have been posted, by
-- key: a replica claims a note here before posting it, so a restart or a second replica does not
-- post it again, and gives the claim back when Slack did not take the note.
alter table runbook_runs add column thread_notes text[] not null default '{}';
