/**
 * npm run bench:chat — what a bare chat turn through Tiangong adds over calling the model directly:
 * added latency at concurrency 1 (p50, p99), turns/s at concurrency 64, and added time to first
 * token of the stream. docs/benchmarks.md explains how to run it and how to read the figures.
 *
 * The model is the test kit's scripted OpenAI-wire server, answering "pong" at once, so what is
 * measured is Tiangong's own cost. "Direct" is the same client (the global fetch, keep-alive)
 * POSTing to the model server the very body Tiangong sends it (captured from the server's request
 * log), so "client -> Tiangong -> model" is compared with "client -> model", nothing else.
 *
 * Everything (client, Tiangong, model server, autocannon) runs in this one process, one thing at a
 * time: on a 2-core machine the absolute figures include the client's and the model server's CPU,
 * which is why every Tiangong figure sits next to its direct twin measured the same way.
 */
import { startModelServer, type ModelServer, type TextReply } from '../src/test-kit/model-server/index.js';
import {
  BenchFailure,
  benchEnvironment,
  describeMachine,
  measureTarget,
  printAlignedTable,
  readBenchCount,
  readBenchOptions,
  startTiangong,
  type BenchOptions,
  type BenchTarget,
  type Measurement,
  type TiangongUnderTest,
} from './bench-kit.js';
import { postJson, timedPost, timeToFirstToken, type PostRequest, type StreamReading } from './chat-client.js';
import { roundMs, sampleSequentially, summarizeLatencies, type LatencySummary } from './latency-kit.js';

/** The scripted model's answer: one word, with usage so the turn stores token counts as with a real model. */
const modelReply: TextReply = { text: 'pong', usage: { prompt_tokens: 4, completion_tokens: 1 } };
/**
 * For time to first token: the first word at once, the rest of the stream 2 ms per chunk later, as
 * a real model streams. With the whole answer in one burst (`modelReply`), Tiangong's first token
 * leaves only after the turn is stored (see docs/benchmarks.md), so that case is measured apart.
 */
const pacedReply: TextReply = { text: 'pong pong', chunkDelayMs: 2, usage: { prompt_tokens: 4, completion_tokens: 2 } };
const userMessage = 'ping';

/** The targets for this 2-core machine. */
const targets = { addedP50Ms: 2, addedP99Ms: 8, turnsPerSecond: 1000, addedFirstTokenP50Ms: 3 };

interface ChatBenchOptions extends BenchOptions {
  /** Sequential turns measured per latency series. */
  readonly requests: number;
  /** Uncounted sequential turns of each kind before the series. */
  readonly warmupRequests: number;
  /** Sequential streamed turns measured per time-to-first-token series. */
  readonly streamRequests: number;
}

function readOptions(): ChatBenchOptions {
  return {
    ...readBenchOptions(process.env, { connections: 64 }),
    requests: readBenchCount('BENCH_REQUESTS', 2000),
    warmupRequests: readBenchCount('BENCH_WARMUP_REQUESTS', 200, 0),
    streamRequests: readBenchCount('BENCH_STREAM_REQUESTS', 500),
  };
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new BenchFailure(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** Checks a bare chat answer and returns its session id. */
function checkTurn(json: unknown): string {
  const turn = record(json);
  if (turn.content !== modelReply.text || typeof turn.session_id !== 'string') {
    throw new BenchFailure(`unexpected chat answer: ${JSON.stringify(json).slice(0, 300)}`);
  }
  return turn.session_id;
}

/** Checks a chat.completion body from the model server. */
function checkCompletion(json: unknown): void {
  const choices = record(json).choices;
  const first = Array.isArray(choices) ? record(choices[0]) : undefined;
  if (!first || record(first.message).content !== modelReply.text) {
    throw new BenchFailure(`unexpected completion: ${JSON.stringify(json).slice(0, 300)}`);
  }
}

/** Tiangong's SSE: `event: token` lines, then `done`; an `error` event is a failed turn. */
const tiangongStream: StreamReading = {
  hasFirstToken: (received) => received.includes('event: token\n'),
  check: (body) => {
    if (body.includes('event: error\n') || !body.includes('event: done\n')) {
      throw new BenchFailure(`the chat stream did not finish cleanly: ${body.slice(0, 300)}`);
    }
  },
};

/** The model's own SSE: `chat.completion.chunk` data lines, the first content delta, then `[DONE]`. */
const modelStream: StreamReading = {
  hasFirstToken: (received) => /"delta":\{[^}]*"content":"[^"]/.test(received),
  check: (body) => {
    if (!body.includes('data: [DONE]')) throw new BenchFailure(`the model stream did not finish: ${body.slice(0, 300)}`);
  },
};

/** The requests of the run; the direct ones copy what Tiangong sent the model. */
interface Requests {
  readonly bareNew: PostRequest;
  readonly bareContinue: (sessionId: string) => PostRequest;
  readonly bareStream: PostRequest;
  readonly directNew: PostRequest;
  readonly directContinue: PostRequest;
  readonly directStream: PostRequest;
}

/** The last request the model server received, as a request the bench can send straight to it. */
function replayOfLast(model: ModelServer, name: string): PostRequest {
  const last = model.requests.at(-1);
  if (!last || last.path !== '/v1/chat/completions') throw new BenchFailure(`${name}: the model server saw no chat request`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const authorization = last.headers.authorization;
  if (typeof authorization === 'string') headers.authorization = authorization;
  return { name, url: `${model.baseUrl}/chat/completions`, headers, body: last.rawBody };
}

/** Creates the default model config over HTTP, then sends one turn of each kind to capture what reaches the model. */
async function prepareRequests(tiangong: TiangongUnderTest, model: ModelServer): Promise<Requests> {
  const headers = { authorization: `Bearer ${tiangong.accessToken}`, 'content-type': 'application/json' };
  const api = `${tiangong.server.url}/api/v1`;
  await postJson({
    name: 'POST /model-configs',
    url: `${api}/model-configs`,
    headers,
    body: JSON.stringify({
      name: 'scripted',
      provider: 'openai-compatible',
      base_url: model.baseUrl,
      api_key: 'sk-bench-key-0001',
      model_name: 'bench-model',
      is_default: true,
    }),
  });
  const bareNew = { name: 'POST /bare (new session)', url: `${api}/agent-chat/bare`, headers, body: JSON.stringify({ message: userMessage }) };
  const bareContinue = (sessionId: string): PostRequest => ({
    name: 'POST /bare (continued session)',
    url: bareNew.url,
    headers,
    body: JSON.stringify({ message: userMessage, session_id: sessionId }),
  });
  const bareStream = { ...bareNew, name: 'POST /bare/stream', url: `${api}/agent-chat/bare/stream` };

  let sessionId = '';
  await timedPost(bareNew, (json) => (sessionId = checkTurn(json)));
  const directNew = replayOfLast(model, 'direct (new session body)');
  await timedPost(bareContinue(sessionId), checkTurn);
  const directContinue = replayOfLast(model, 'direct (continued session body)');
  await timeToFirstToken(bareStream, tiangongStream);
  const directStream = replayOfLast(model, 'direct stream');
  return { bareNew, bareContinue, bareStream, directNew, directContinue, directStream };
}

/** The scripted model server with the reply it currently gives every chat request. */
interface ScriptedModel {
  answerWith(reply: TextReply): void;
  /** Starts trimming the request log (after the requests to replay were read from it). */
  keepLogShort(): void;
  stop(): void;
}

/**
 * The test kit's model server keeps every request it receives; over tens of thousands of requests
 * that log would grow the heap and the GC work of both sides. Trimming it twice a second (and
 * setting the default reply again, which reset() forgets) keeps the model's cost flat.
 */
function scriptModel(server: ModelServer): ScriptedModel {
  let current = modelReply;
  let timer: NodeJS.Timeout | undefined;
  server.setDefault(current);
  return {
    answerWith(reply) {
      current = reply;
      server.setDefault(reply);
    },
    keepLogShort() {
      timer ??= setInterval(() => {
        server.reset();
        server.setDefault(current);
      }, 500);
    },
    stop: () => clearInterval(timer),
  };
}

/** A direct series next to its Tiangong twin. */
interface Pair {
  readonly direct: LatencySummary;
  readonly tiangong: LatencySummary;
}

/** Concurrency-1 series: turn latencies (new and continued sessions) and times to first token. */
interface SequentialResults {
  readonly newSession: Pair;
  readonly continuedSession: Pair;
  /** The paced reply: the target figure. */
  readonly firstToken: Pair;
  /** The one-burst reply: the first token waits for the turn to be stored. */
  readonly firstTokenBurst: Pair;
}

async function measureStreams(requests: Requests, model: ScriptedModel, reply: TextReply, count: number): Promise<Pair> {
  model.answerWith(reply);
  try {
    const direct = await sampleSequentially(count, () => timeToFirstToken(requests.directStream, modelStream));
    const tiangong = await sampleSequentially(count, () => timeToFirstToken(requests.bareStream, tiangongStream));
    return { direct: summarizeLatencies(direct), tiangong: summarizeLatencies(tiangong) };
  } finally {
    model.answerWith(modelReply);
  }
}

/** The concurrency-1 series, each one after the other. */
async function runSequential(requests: Requests, model: ScriptedModel, count: number, streamCount: number): Promise<SequentialResults> {
  const sessions: string[] = [];
  const directNew = await sampleSequentially(count, () => timedPost(requests.directNew, checkCompletion));
  const bareNew = await sampleSequentially(count, () => timedPost(requests.bareNew, (json) => sessions.push(checkTurn(json))));
  const directContinue = await sampleSequentially(count, () => timedPost(requests.directContinue, checkCompletion));
  // Each continued turn is the second turn of a session made above, so every one sends the model the same history.
  const bareContinue = await sampleSequentially(count, (index) => timedPost(requests.bareContinue(sessions[index] ?? ''), checkTurn));
  return {
    newSession: { direct: summarizeLatencies(directNew), tiangong: summarizeLatencies(bareNew) },
    continuedSession: { direct: summarizeLatencies(directContinue), tiangong: summarizeLatencies(bareContinue) },
    firstToken: await measureStreams(requests, model, pacedReply, streamCount),
    firstTokenBurst: await measureStreams(requests, model, modelReply, streamCount),
  };
}

async function measureSequential(requests: Requests, model: ScriptedModel, options: ChatBenchOptions): Promise<SequentialResults> {
  console.log(`warming up: ${options.warmupRequests} sequential requests of each kind …`);
  await runSequential(requests, model, options.warmupRequests, options.warmupRequests);
  console.log(
    `measuring at concurrency 1: ${options.requests} turns per latency series, ` +
      `${options.streamRequests} streamed turns per first-token series …`,
  );
  return runSequential(requests, model, options.requests, options.streamRequests);
}

function loadTarget(request: PostRequest, name: string): BenchTarget {
  return { name, url: request.url, method: 'POST', headers: request.headers, body: request.body };
}

async function measureThroughput(requests: Requests, options: ChatBenchOptions): Promise<{ direct: Measurement; bare: Measurement }> {
  console.log(
    `measuring throughput at ${options.connections} connections: ${options.durationSeconds} s ` +
      `after ${options.warmupSeconds} s warm-up per target …`,
  );
  const direct = await measureTarget(loadTarget(requests.directNew, 'direct to the model server'), options);
  const bare = await measureTarget(loadTarget(requests.bareNew, 'POST /api/v1/agent-chat/bare'), options);
  return { direct, bare };
}

/** One figure the issue sets a target for. */
interface Verdict {
  readonly figure: string;
  readonly value: number;
  readonly unit: 'ms' | 'turns/s';
  readonly target: number;
  readonly atMost: boolean;
  readonly pass: boolean;
}

function verdict(figure: string, value: number, unit: Verdict['unit'], target: number, atMost: boolean): Verdict {
  return { figure, value, unit, target, atMost, pass: atMost ? value <= target : value >= target };
}

function judge(sequential: SequentialResults, throughput: { bare: Measurement }, connections: number): Verdict[] {
  const { newSession, firstToken } = sequential;
  return [
    verdict('added latency p50 (c=1, new session)', added(newSession, 'p50Ms'), 'ms', targets.addedP50Ms, true),
    verdict('added latency p99 (c=1, new session)', added(newSession, 'p99Ms'), 'ms', targets.addedP99Ms, true),
    verdict(`turns/s at concurrency ${connections}`, throughput.bare.requestsPerSecond, 'turns/s', targets.turnsPerSecond, false),
    verdict('added time to first token p50', added(firstToken, 'p50Ms'), 'ms', targets.addedFirstTokenP50Ms, true),
  ];
}

/** Tiangong's percentile minus the direct one, each taken from its own distribution. */
function added(pair: Pair, key: 'p50Ms' | 'p99Ms' | 'meanMs'): number {
  return pair.tiangong[key] - pair.direct[key];
}

const ms = (value: number) => value.toFixed(2);
const perSecond = (value: number) => Math.round(value).toLocaleString('en-US');

function printLatencies(sequential: SequentialResults): void {
  const rows: [string, Pair][] = [
    ['turn, new session', sequential.newSession],
    ['turn, continued session', sequential.continuedSession],
    ['first token, paced stream', sequential.firstToken],
    ['first token, one-burst reply', sequential.firstTokenBurst],
  ];
  printAlignedTable(
    ['concurrency 1 (ms)', 'n', 'direct p50', 'direct p99', 'direct mean', 'Tiangong p50', 'Tiangong p99', 'Tiangong mean', 'added p50', 'added p99'],
    rows.map(([name, pair]) => [
      name,
      String(pair.tiangong.count),
      ms(pair.direct.p50Ms),
      ms(pair.direct.p99Ms),
      ms(pair.direct.meanMs),
      ms(pair.tiangong.p50Ms),
      ms(pair.tiangong.p99Ms),
      ms(pair.tiangong.meanMs),
      ms(added(pair, 'p50Ms')),
      ms(added(pair, 'p99Ms')),
    ]),
  );
}

function printThroughput(throughput: { direct: Measurement; bare: Measurement }, connections: number): void {
  const { direct, bare } = throughput;
  const ratio = direct.requestsPerSecond > 0 ? (bare.requestsPerSecond / direct.requestsPerSecond).toFixed(3) : 'n/a';
  printAlignedTable(
    [`concurrency ${connections}`, 'req/s', 'p50 ms', 'p99 ms', 'requests', 'ratio to direct'],
    [direct, bare].map((measurement, index) => [
      measurement.name,
      perSecond(measurement.requestsPerSecond),
      measurement.latencyP50Ms.toFixed(0),
      measurement.latencyP99Ms.toFixed(0),
      measurement.requestsTotal.toLocaleString('en-US'),
      index === 0 ? '1.000' : ratio,
    ]),
  );
}

function printVerdicts(verdicts: readonly Verdict[]): void {
  printAlignedTable(
    ['figure', 'value', 'target', 'result'],
    verdicts.map((item) => {
      const format = item.unit === 'ms' ? ms : perSecond;
      const by = Math.abs(item.value - item.target);
      const margin = item.pass ? '' : ` (missed by ${item.unit === 'ms' && by < 0.01 ? '< 0.01' : format(by)} ${item.unit})`;
      return [item.figure, `${format(item.value)} ${item.unit}`, `${item.atMost ? '<=' : '>='} ${format(item.target)} ${item.unit}`, `${item.pass ? 'PASS' : 'MISS'}${margin}`];
    }),
  );
}

function latencyJson(summary: LatencySummary) {
  return {
    count: summary.count,
    p50_ms: roundMs(summary.p50Ms),
    p99_ms: roundMs(summary.p99Ms),
    mean_ms: roundMs(summary.meanMs),
    max_ms: roundMs(summary.maxMs),
  };
}

function pairJson(pair: Pair) {
  return {
    direct: latencyJson(pair.direct),
    tiangong: latencyJson(pair.tiangong),
    added_p50_ms: roundMs(added(pair, 'p50Ms')),
    added_p99_ms: roundMs(added(pair, 'p99Ms')),
  };
}

function throughputJson(measurement: Measurement) {
  return {
    name: measurement.name,
    requests_per_second: Number(measurement.requestsPerSecond.toFixed(1)),
    latency_p50_ms: measurement.latencyP50Ms,
    latency_p99_ms: measurement.latencyP99Ms,
    requests_total: measurement.requestsTotal,
  };
}

function printResult(
  options: ChatBenchOptions,
  sequential: SequentialResults,
  throughput: { direct: Measurement; bare: Measurement },
  verdicts: readonly Verdict[],
): void {
  const summary = {
    bench: 'chat',
    date: new Date().toISOString(),
    machine: describeMachine(),
    options,
    latency: {
      new_session: pairJson(sequential.newSession),
      continued_session: pairJson(sequential.continuedSession),
    },
    time_to_first_token: {
      paced_stream: pairJson(sequential.firstToken),
      one_burst_reply: pairJson(sequential.firstTokenBurst),
    },
    throughput: {
      connections: options.connections,
      direct: throughputJson(throughput.direct),
      bare: throughputJson(throughput.bare),
      ratio: Number((throughput.bare.requestsPerSecond / throughput.direct.requestsPerSecond).toFixed(3)),
    },
    targets: verdicts.map((item) => ({
      figure: item.figure,
      value: item.unit === 'ms' ? roundMs(item.value) : Number(item.value.toFixed(1)),
      unit: item.unit,
      target: `${item.atMost ? '<=' : '>='} ${item.target}`,
      pass: item.pass,
    })),
  };
  console.log(`BENCH_RESULT ${JSON.stringify(summary)}`);
}

async function main(): Promise<void> {
  const options = readOptions();
  const machine = describeMachine();
  console.log(`machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, ${machine.platform}`);
  console.log(
    `options: ${options.requests} sequential turns per latency series after ${options.warmupRequests} warm-up, ` +
      `${options.streamRequests} streamed turns per first-token series, ${options.connections} connections ` +
      `for ${options.durationSeconds} s after ${options.warmupSeconds} s warm-up`,
  );

  const closers: (() => Promise<void>)[] = [];
  try {
    const server = await startModelServer();
    const model = scriptModel(server);
    closers.push(async () => {
      model.stop();
      await server.close();
    });
    // Opt-in: measure on a PostgreSQL server (a throwaway database; migrations are applied to it).
    const database = process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {};
    const tiangong = await startTiangong(benchEnvironment(database));
    closers.unshift(() => tiangong.server.close());

    const requests = await prepareRequests(tiangong, server);
    model.keepLogShort();
    const sequential = await measureSequential(requests, model, options);
    const throughput = await measureThroughput(requests, options);
    const verdicts = judge(sequential, throughput, options.connections);

    console.log('');
    printLatencies(sequential);
    console.log('');
    printThroughput(throughput, options.connections);
    console.log('');
    printVerdicts(verdicts);
    console.log('');
    printResult(options, sequential, throughput, verdicts);
  } finally {
    // Tiangong first (it flushes its call log), then the model server; a failing close does not keep the next open.
    for (const close of closers) await close().catch((error: unknown) => console.error(error));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchFailure ? `bench failed: ${error.message}` : error);
  process.exitCode = 1;
});
