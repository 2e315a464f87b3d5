// Parley's OpenAI-compatible API through the official `openai` npm client, unchanged.
// Run by tests/integration/openai_client_test.cpp against the real binary:
//   PARLEY_BASE_URL=http://127.0.0.1:PORT/v1 PARLEY_API_KEY=pk_... PARLEY_BOT=bot_...
//   PARLEY_QUESTION="..." PARLEY_EXPECT="words the answer holds"
//   [PARLEY_READ_KEY=pk_... a key without the chat scope]
//   [PARLEY_GENERATIVE_BOT=bot_... a bot answering through a model that streams word by word]
// Exits 0 after its last line, "openai-client: all checks passed" and a JSON summary; any
// failed check exits 1 naming it.
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const baseURL = env('PARLEY_BASE_URL');
const apiKey = env('PARLEY_API_KEY');
const bot = env('PARLEY_BOT');
const question = env('PARLEY_QUESTION');
const expected = env('PARLEY_EXPECT');

// No retries: a refusal must show as the first answer, and a test should not wait.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });
const summary = {};

// Streams a completion; returns its text, the content deltas, the chunks' usage and the last
// chunk with a finish_reason.
async function streamed(model, options = {}) {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: question }],
    stream: true,
    ...options,
  });
  const deltas = [];
  let role = null;
  let usage = null;
  let finished = null;
  const ids = new Set();
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.model, model);
    ids.add(chunk.id);
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;  // the usage chunk has no choices
    if (choice.delta.role) role = choice.delta.role;
    if (choice.delta.content) deltas.push(choice.delta.content);
    if (choice.finish_reason) finished = chunk;
  }
  assert.equal(role, 'assistant', 'the first chunk names the role');
  assert.ok(finished, 'a chunk has a finish_reason');
  assert.equal(finished.choices[0].finish_reason, 'stop');
  assert.equal(ids.size, 1, 'every chunk has the one completion id');
  return { text: deltas.join(''), deltas, usage, finished };
}

async function main() {
  // Models: the workspace's bots.
  const models = [];
  for await (const model of client.models.list()) models.push(model);
  const listed = models.find((m) => m.id === bot);
  assert.ok(listed, `models.list() has ${bot}: ${JSON.stringify(models)}`);
  assert.equal(listed.object, 'model');
  assert.equal(typeof listed.created, 'number');
  assert.equal(typeof listed.owned_by, 'string');
  const retrieved = await client.models.retrieve(bot);
  assert.equal(retrieved.id, bot);
  summary.models = models.length;

  // A whole answer, cited, with usage.
  const completion = await client.chat.completions.create({
    model: bot,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: question },
    ],
    temperature: 0.2,
    max_tokens: 300,
    user: 'integration-test',
  });
  assert.equal(completion.object, 'chat.completion');
  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.model, bot);
  const answer = completion.choices[0].message.content;
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.ok(answer.includes(expected), `the answer holds "${expected}": ${answer}`);
  assert.ok(completion.usage.prompt_tokens > 0, 'prompt_tokens');
  assert.ok(completion.usage.completion_tokens > 0, 'completion_tokens');
  assert.equal(
    completion.usage.total_tokens,
    completion.usage.prompt_tokens + completion.usage.completion_tokens,
  );
  // Parley's own fields ride along: the conversation and the citations.
  assert.ok(completion.parley.conversation_id.startsWith('cnv_'));
  assert.ok(completion.parley.message.citations.length > 0, 'the answer is cited');
  summary.answer = answer;
  summary.conversation_id = completion.parley.conversation_id;
  summary.cited_source = completion.parley.message.citations[0].source.id;

  // The same question streamed: the deltas make the same answer, and usage comes last.
  const withUsage = await streamed(bot, { stream_options: { include_usage: true } });
  assert.equal(withUsage.text, answer, 'streamed deltas join into the whole answer');
  assert.ok(withUsage.usage, 'a usage chunk with stream_options.include_usage');
  assert.equal(withUsage.usage.completion_tokens, completion.usage.completion_tokens);
  assert.equal(withUsage.finished.parley.message.text, answer);
  const withoutUsage = await streamed(bot);
  assert.equal(withoutUsage.usage, null, 'no usage chunk unless asked');
  assert.equal(withoutUsage.text, answer);
  summary.streamed_deltas = withUsage.deltas.length;

  // The streaming helper of the client, as applications use it.
  const runner = client.chat.completions.stream({
    model: bot,
    messages: [{ role: 'user', content: question }],
  });
  const final = await runner.finalChatCompletion();
  assert.equal(final.choices[0].message.content, answer);

  // Refusals, as OpenAI's error classes.
  await assert.rejects(
    client.chat.completions.create({
      model: 'bot_01JD3Z8Q4K5M6N7P8R9S0T1V2W',
      messages: [{ role: 'user', content: question }],
    }),
    (error) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found',
  );
  // Streamed, the refusal comes before the first chunk: the status says it.
  await assert.rejects(
    client.chat.completions.create({
      model: 'bot_01JD3Z8Q4K5M6N7P8R9S0T1V2W',
      messages: [{ role: 'user', content: question }],
      stream: true,
    }),
    OpenAI.NotFoundError,
  );
  await assert.rejects(
    client.chat.completions.create({ model: bot, messages: [] }),
    (error) => error instanceof OpenAI.BadRequestError && error.param === 'messages',
  );
  await assert.rejects(client.models.retrieve('bot_01JD3Z8Q4K5M6N7P8R9S0T1V2W'), OpenAI.NotFoundError);
  const stranger = new OpenAI({ baseURL, apiKey: 'pk_not_a_real_key', maxRetries: 0 });
  await assert.rejects(
    stranger.chat.completions.create({ model: bot, messages: [{ role: 'user', content: question }] }),
    (error) => error instanceof OpenAI.AuthenticationError && error.code === 'invalid_api_key',
  );
  await assert.rejects(stranger.models.list(), OpenAI.AuthenticationError);
  if (process.env.PARLEY_READ_KEY) {
    const reader = new OpenAI({ baseURL, apiKey: process.env.PARLEY_READ_KEY, maxRetries: 0 });
    await assert.rejects(
      reader.chat.completions.create({ model: bot, messages: [{ role: 'user', content: question }] }),
      OpenAI.PermissionDeniedError,
    );
  }

  // A generative bot: its model's words arrive as several deltas.
  const generative = process.env.PARLEY_GENERATIVE_BOT;
  if (generative) {
    const result = await streamed(generative, { stream_options: { include_usage: true } });
    assert.ok(result.deltas.length > 1, `several deltas: ${JSON.stringify(result.deltas)}`);
    assert.equal(result.text, result.finished.parley.message.text, 'the deltas are the answer stored');
    assert.ok(result.usage.completion_tokens > 0);
    summary.generative_deltas = result.deltas.length;
    summary.generative_answer = result.text;
  }

  console.log('openai-client: all checks passed');
  console.log(JSON.stringify(summary));
}

main().catch((error) => {
  console.error('openai-client: FAILED:', error?.stack ?? error);
  process.exit(1);
});
