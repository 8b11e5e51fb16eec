// Drives a ModelBridge gateway with the Vercel AI SDK (ai, @ai-sdk/openai, @ai-sdk/openai-compatible), unmodified,
// through each of its three ways to reach an OpenAI-style endpoint: the openai provider's chat completions and
// Responses models, and the openai-compatible provider. Environment: MB_BASE_URL, MB_KEY, MB_MODEL.
// Prints one JSON object: per way, a whole answer, a stream and a two-step tool round trip, or the error each threw.
import { generateText, streamText, tool, stepCountIs } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { z } from 'zod';

const baseURL = process.env.MB_BASE_URL + '/v1';
const apiKey = process.env.MB_KEY;
const model = process.env.MB_MODEL;
const openai = createOpenAI({ baseURL, apiKey });
const compat = createOpenAICompatible({ name: 'modelbridge', baseURL, apiKey, includeUsage: true });
const ways = { chat: openai.chat(model), responses: openai.responses(model), compatible: compat(model) };

const weather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `18 degrees in ${city}`,
});

function failure(e) {
  return { error: e?.constructor?.name, message: String(e?.message).slice(0, 500), status: e?.statusCode,
    body: typeof e?.responseBody === 'string' ? e.responseBody.slice(0, 500) : undefined };
}

async function whole(m) {
  const r = await generateText({ model: m, prompt: 'hello from the ai sdk', maxRetries: 0 });
  return { text: r.text, finish: r.finishReason, usage: r.usage };
}

async function streamed(m) {
  let error;
  const r = streamText({ model: m, prompt: 'stream to me please', maxRetries: 0, onError: (e) => { error = e.error; } });
  let text = '';
  for await (const delta of r.textStream) text += delta;
  if (error) throw error;
  return { text, finish: await r.finishReason, usage: await r.usage };
}

async function tools(m, stream) {
  const ask = { model: m, prompt: 'Paris', tools: { get_weather: weather }, stopWhen: stepCountIs(2), maxRetries: 0 };
  if (!stream) {
    const r = await generateText(ask);
    return { steps: r.steps.map((s) => ({ finish: s.finishReason, calls: s.toolCalls.map((c) => ({ name: c.toolName, input: c.input })),
      results: s.toolResults.map((t) => t.output), text: s.text })) };
  }
  let error;
  const r = streamText({ ...ask, onError: (e) => { error = e.error; } });
  await r.consumeStream();
  if (error) throw error;
  const steps = await r.steps;
  return { steps: steps.map((s) => ({ finish: s.finishReason, calls: s.toolCalls.map((c) => ({ name: c.toolName, input: c.input })),
    results: s.toolResults.map((t) => t.output), text: s.text })) };
}

const out = {};
for (const [way, m] of Object.entries(ways)) {
  out[way] = {};
  for (const [name, run] of Object.entries({ whole: () => whole(m), stream: () => streamed(m),
    tools: () => tools(m, false), streamedTools: () => tools(m, true) })) {
    try { out[way][name] = await run(); } catch (e) { out[way][name] = failure(e); }
  }
}
try {
  await generateText({ model: createOpenAI({ baseURL, apiKey: 'mb-wrong-key' }).chat(model), prompt: 'x', maxRetries: 0 });
  out.wrongKey = { thrown: false };
} catch (e) {
  out.wrongKey = failure(e);
}
console.log(JSON.stringify(out));
