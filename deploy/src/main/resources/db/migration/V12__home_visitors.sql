-- Who has opened the bot's Home tab. Only they get it republished when something in it changes
-- for them; someone who never looked at it gets nothing pushed.
create table home_visitors (
  user_id text primary key,
  first_opened_at timestamptz not null,
  last_opened_at timestamptz not null
);
