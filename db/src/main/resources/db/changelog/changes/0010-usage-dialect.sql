--liquibase formatted sql

--changeset modelbridge:0010-usage-dialect
-- The client API a request came in through: 'openai-chat', 'openai-completions', 'openai-embeddings',
-- 'anthropic-messages', 'openai-responses' (the route's ClientCodec.dialect()). Null on rows written before this
-- column. No check constraint: a new dialect needs no migration.
alter table usage_log add column dialect text;
