--liquibase formatted sql

--changeset modelbridge:0012-usage-log-leaner-indexes
-- Issue 16: every index on the hot table is one more write per usage row. No query of the admin API, the portal or
-- mbctl filters on client_request_id (it is shown beside a row, for correlation), so its index goes. Kept:
-- usage_log_pkey (id, the latest rows' tie-break), usage_log_request_id_key (a request is written once: the writer's
-- idempotence rests on it), usage_log_created_at_idx (latest rows, time ranges), usage_log_user_id_created_at_idx
-- (a user's usage, the portal) and usage_log_lease_id_idx (a lease's close sums the costs of its rows).
drop index if exists usage_log_client_request_id_idx;
