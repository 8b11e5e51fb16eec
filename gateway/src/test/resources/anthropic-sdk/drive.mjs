// Drives a ModelBridge gateway with the official Anthropic TypeScript SDK, unmodified.
// Environment: MB_BASE_URL, MB_KEY, MB_MODEL. Prints one JSON object with what each call returned.
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic({ apiKey: process.env.MB_KEY, baseURL: process.env.MB_BASE_URL, maxRetries: 0 });
const model = process.env.MB_MODEL;
const weather = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const out = {};

out.create = await client.messages.create({
  model, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'hello from the sdk' }],
});

const stream = client.messages.stream({ model, max_tokens: 64, messages: [{ role: 'user', content: 'stream to me please' }] });
let streamed = '';
stream.on('text', (t) => { streamed += t; });
out.stream = { final: await stream.finalMessage(), text: streamed };

const ask = { role: 'user', content: 'Paris' };
const toolUse = await client.messages.create({ model, max_tokens: 64, tools: [weather], messages: [ask] });
const use = toolUse.content.find((b) => b.type === 'tool_use');
const answered = await client.messages.create({
  model, max_tokens: 64, tools: [weather], messages: [ask, { role: 'assistant', content: toolUse.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18 degrees' }] }],
});
out.tools = { toolUse, answered };

out.countTokens = await client.messages.countTokens({ model, messages: [{ role: 'user', content: 'count me' }] });

try {
  await new Anthropic({ apiKey: 'mb-wrong-key', baseURL: process.env.MB_BASE_URL, maxRetries: 0 })
      .messages.create({ model, max_tokens: 8, messages: [ask] });
  out.error = { thrown: false };
} catch (e) {
  out.error = { thrown: true, class: e.constructor.name, status: e.status, type: e.error?.error?.type };
}
console.log(JSON.stringify(out));
