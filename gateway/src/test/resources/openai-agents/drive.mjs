// Drives a ModelBridge gateway with the OpenAI Agents SDK (@openai/agents), unmodified: an agent with a function
// tool (which the SDK declares strict) runs a turn through the Responses API and through chat completions, whole and
// streamed, then continues the conversation by its history and, through the Responses API, by previousResponseId.
// Environment: MB_BASE_URL, MB_KEY, MB_MODEL. Prints one JSON object: per run, the final output and the items'
// types, or the error it threw.
import { Agent, run, tool, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';

setTracingDisabled(true);
setDefaultOpenAIClient(new OpenAI({ baseURL: process.env.MB_BASE_URL + '/v1', apiKey: process.env.MB_KEY,
  maxRetries: 0 }));
const weather = tool({
  name: 'get_weather', description: 'The weather in a city', parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `18 degrees in ${city}`,
});
const agent = new Agent({ name: 'weather', instructions: 'Be brief.', model: process.env.MB_MODEL, tools: [weather] });

function failure(e) {
  return { error: e?.constructor?.name, message: String(e?.message).slice(0, 500) };
}

const out = {};
for (const api of ['responses', 'chat_completions']) {
  setOpenAIAPI(api);
  const runs = {
    whole: async () => {
      const first = await run(agent, 'Paris');
      const next = await run(agent, [...first.history, { role: 'user', content: 'and Rome' }]);
      const result = { output: first.finalOutput, items: first.newItems.map((i) => i.type), next: next.finalOutput };
      if (api === 'responses') {
        result.continued = (await run(agent, 'and Oslo', { previousResponseId: first.lastResponseId })).finalOutput;
      }
      return result;
    },
    streamed: async () => {
      const streamed = await run(agent, 'Paris', { stream: true });
      for await (const event of streamed) {
        // every event read, as a UI would
      }
      await streamed.completed;
      return { output: streamed.finalOutput, items: streamed.newItems.map((i) => i.type) };
    },
  };
  for (const [name, go] of Object.entries(runs)) {
    try {
      out[api + '.' + name] = await go();
    } catch (e) {
      out[api + '.' + name] = failure(e);
    }
  }
}
console.log(JSON.stringify(out));
