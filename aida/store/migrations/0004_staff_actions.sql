-- Staff work on a call's action items (additive). An item is the call record's
-- action_items[item_index]; a row here means staff marked it done, with who and when. No row:
-- the item is still open. Times are the same fixed-width UTC text as in 0001.

create table if not exists action_items_done (
  call_id text not null references call_summaries(id) on delete cascade,
  item_index integer not null check (item_index >= 0),
  done_at text not null,
  done_by text not null,
  primary key (call_id, item_index)
);
