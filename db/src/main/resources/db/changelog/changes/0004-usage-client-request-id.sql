--liquibase formatted sql

--changeset modelbridge:0004-usage-client-request-id
-- The x-request-id a client sent, kept for correlation only: request_id is the gateway's own id, unique per request,
-- so a client repeating its id (or using another's) never merges or drops usage rows.
alter table usage_log add column client_request_id text;
create index usage_log_client_request_id_idx on usage_log (client_request_id);
