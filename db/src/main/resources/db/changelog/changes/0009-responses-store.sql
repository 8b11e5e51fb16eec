--liquibase formatted sql

--changeset modelbridge:0009-responses-store
-- Responses API answers kept because the request said store: true (OpenAI's default). Owned by a user: deleting the
-- user deletes them. Text, not jsonb: a GET returns the response byte for byte as the client first received it.
-- bytes is the UTF-8 size of input_items plus response, so the conversation bound needs no detoasting.
-- No foreign key on key_id (a deleted key's responses stay its user's) nor on previous_response_id (a continued
-- response may expire or be deleted before the one that continued it).
create table stored_responses (
    id                   text primary key,
    user_id              bigint not null constraint stored_responses_user_id_fkey references users (id) on delete cascade,
    key_id               bigint not null,
    model                text not null,
    previous_response_id text,
    input_items          text not null,
    response             text not null,
    bytes                integer not null,
    created_at           timestamptz not null,
    expires_at           timestamptz not null
);
-- the retention sweep
create index stored_responses_expires_at_idx on stored_responses (expires_at);
-- deleting a user (the cascade)
create index stored_responses_user_id_idx on stored_responses (user_id);
