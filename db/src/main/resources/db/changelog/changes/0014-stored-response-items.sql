--liquibase formatted sql

--changeset modelbridge:0014-stored-response-items
-- Where each item of a stored response sits, so that an input item {"type":"item_reference","id":...} (what the
-- Vercel AI SDK sends for a function call of the previous step) finds the response that holds it. Keyed by the
-- owner: one user's ids never resolve another's items. An id seen again (a client resending an item with its id)
-- points to the newest response that holds it. Goes with its response: the retention sweep, a DELETE and deleting
-- the user remove both.
create table stored_response_items (
    user_id     bigint not null,
    item_id     text not null,
    response_id text not null
        constraint stored_response_items_response_id_fkey references stored_responses (id) on delete cascade,
    primary key (user_id, item_id)
);
-- the cascade from stored_responses
create index stored_response_items_response_id_idx on stored_response_items (response_id);
