--liquibase formatted sql

--changeset modelbridge:0007-cached-and-reasoning-tokens
-- The parts of a request's tokens the upstream reported: prompt tokens served from its prompt cache, and completion
-- tokens spent on reasoning. Null when the upstream did not report them (not the same as 0).
alter table usage_log add column cached_prompt_tokens integer;
alter table usage_log add column reasoning_tokens integer;
-- The price of cached prompt tokens; null means they cost the input price.
alter table model_prices add column cached_input_per_1k numeric(20, 6);
