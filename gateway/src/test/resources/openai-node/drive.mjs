// Drives a ModelBridge gateway with the official OpenAI Node SDK (openai), unmodified, through its helpers that
// accumulate a stream into the final object (and so check the events' order and shape): chat completions whole,
// streamed and with a strict tool, the runTools loop, the Responses API whole and streamed with a strict tool, and a
// wrong key. Environment: MB_BASE_URL, MB_KEY, MB_MODEL.
// Prints one JSON object: what each call returned, or the error it threw.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.MB_BASE_URL + '/v1', apiKey: process.env.MB_KEY, maxRetries: 0 });
const model = process.env.MB_MODEL;
// strict, as the OpenAI Agents SDKs declare every tool
const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'],
  additionalProperties: false };
const chatTools = [{ type: 'function',
  function: { name: 'get_weather', description: 'The weather in a city', parameters, strict: true } }];
const ask = [{ role: 'user', content: 'Paris' }];

const steps = {
  create: async () => {
    const r = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hello from node' }] });
    return { text: r.choices[0].message.content, finish: r.choices[0].finish_reason, usage: r.usage };
  },
  stream: async () => {
    const s = client.chat.completions.stream({ model, messages: [{ role: 'user', content: 'stream to me please' }],
      stream_options: { include_usage: true } });
    const f = await s.finalChatCompletion();
    return { text: f.choices[0].message.content, finish: f.choices[0].finish_reason, usage: f.usage };
  },
  streamedTools: async () => {
    const f = await client.chat.completions.stream({ model, messages: ask, tools: chatTools }).finalChatCompletion();
    const call = f.choices[0].message.tool_calls[0];
    return { finish: f.choices[0].finish_reason, id: call.id, name: call.function.name, arguments: call.function.arguments };
  },
  runTools: async () => {
    const runner = client.chat.completions.runTools({ model, messages: ask, tools: [{ type: 'function', function: {
      name: 'get_weather', parameters, function: async ({ city }) => `18 degrees in ${city}`, parse: JSON.parse } }] });
    return { content: await runner.finalContent(), completions: (await runner.allChatCompletions()).length };
  },
  responses: async () => {
    const r = await client.responses.create({ model, input: 'hello from node' });
    return { text: r.output_text, status: r.status, types: r.output.map((o) => o.type) };
  },
  responsesStream: async () => {
    const s = client.responses.stream({ model, input: 'Paris',
      tools: [{ type: 'function', name: 'get_weather', parameters, strict: true }] });
    const f = await s.finalResponse();
    return { status: f.status, types: f.output.map((o) => o.type),
      reasoning: f.output.filter((o) => o.type === 'reasoning').map((o) => o.content?.[0]?.text ?? '').join('') };
  },
};

const out = {};
for (const [name, run] of Object.entries(steps)) {
  try {
    out[name] = await run();
  } catch (e) {
    out[name] = { error: e.constructor.name, status: e.status, message: String(e.message).slice(0, 500) };
  }
}
try {
  await new OpenAI({ baseURL: process.env.MB_BASE_URL + '/v1', apiKey: 'mb-wrong-key', maxRetries: 0 })
    .chat.completions.create({ model, messages: ask });
  out.wrongKey = { thrown: false };
} catch (e) {
  out.wrongKey = { error: e.constructor.name, status: e.status, code: e.code };
}
console.log(JSON.stringify(out));
