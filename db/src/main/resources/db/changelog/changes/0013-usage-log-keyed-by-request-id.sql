--liquibase formatted sql

--changeset modelbridge:0013-usage-log-keyed-by-request-id
-- Issue 16: a usage row is one request, and request_id (unique, never null) already says which; the bigserial id
-- cost every row a sequence value and one more index to write, for one reader: the latest rows' tie-break between
-- rows of the same created_at, which request_id serves as well. request_id becomes the primary key (the writer's
-- idempotence rests on it, as it rested on the unique constraint); id, its index and its sequence go. The new key's
-- index is built once, during the upgrade: on a large usage_log this takes as long as creating an index on it.
alter table usage_log drop constraint usage_log_pkey;
alter table usage_log drop column id;
alter table usage_log drop constraint usage_log_request_id_key, add constraint usage_log_pkey primary key (request_id);
