/**
 * bench:agent: time and retained memory to build a runnable agent from its stored config,
 * measured the way Agno measures its published figure (1,000 builds after 10 warm-ups; Agno states
 * about 3 µs and 6.6 KiB per agent).
 *
 * A runnable agent here is everything generateTurn/streamTurn needs before anything is sent: the
 * turn request from `agentTurn(agent, input)` plus the resolved chat model from
 * `ModelGateway.resolveChat` (the resilient wrapper around the cached provider model). The gateway's
 * resolution cache is warm, as in steady state; nothing touches the network or a database.
 *
 * Run with `node --expose-gc --import tsx bench/agent.bench.ts` (npm run bench:agent).
 */
import { randomUUID } from 'node:crypto';
import { agentTurn } from '../src/modules/agent-chat/agent-turn.js';
import type { ChatTurnRequest } from '../src/modules/agent-chat/chat.service.js';
import { systemClock } from '../src/platform/clock.js';
import type { AgentDefinition } from '../src/platform/db/schema/index.js';
import { uuidV7Generator } from '../src/platform/ids.js';
import { ModelGateway, type ResolvedChatModel } from '../src/platform/llm/gateway.js';
import { InMemoryModelConfigSource } from '../src/test-kit/fake-model-config-source.js';
import { BenchFailure, describeMachine, printAlignedTable, readBenchCount } from './bench-kit.js';

/** Agno's published figures, the targets. */
const targetMicroseconds = 3;
const targetKiB = 6.6;

interface RunnableAgent {
  readonly turn: ChatTurnRequest;
  readonly model: ResolvedChatModel;
}

interface StoredAgent {
  readonly id: string;
  readonly ownerId: string;
  readonly definition: AgentDefinition;
}

type Gc = () => void;

function requireGc(): Gc {
  const gc = (globalThis as { gc?: Gc }).gc;
  if (typeof gc !== 'function') throw new BenchFailure('global.gc is missing: run with node --expose-gc (npm run bench:agent)');
  return gc;
}

function definition(model: Pick<AgentDefinition, 'model_config' | 'model_config_id'>): AgentDefinition {
  return {
    name: 'Bench agent',
    description: 'An agent for bench:agent',
    system_prompt: 'You are a helpful assistant.',
    ...model,
    iteration_limit: 5,
    include_tools: [],
    knowledge_base_ids: [],
    workflow_config: null,
    memory: { history_messages: 20, history_tokens: 4_000 },
    opening_message: null,
    suggested_questions: [],
    variables: [],
  };
}

/** The gateway as the container builds it, over an in-memory config source and a no-op recorder. */
function setUp() {
  // Never called: building a runnable agent sends nothing.
  const source = new InMemoryModelConfigSource('http://127.0.0.1:9/v1');
  const gateway = new ModelGateway({
    source,
    environment: {},
    recorder: { record: () => undefined },
    clock: systemClock,
    ids: uuidV7Generator,
  });
  const ownerId = randomUUID();
  const config = source.add(ownerId, { modelName: 'm' });
  const agents: StoredAgent[] = [
    {
      id: randomUUID(),
      ownerId,
      definition: definition({ model_config: { provider: 'openai-compatible', model_name: 'm' }, model_config_id: null }),
    },
    { id: randomUUID(), ownerId, definition: definition({ model_config: null, model_config_id: config.id }) },
  ];
  return { gateway, agents };
}

const input = { message: 'Hello' };

async function build(gateway: ModelGateway, agent: StoredAgent): Promise<RunnableAgent> {
  const turn = agentTurn(agent, input);
  const model = await gateway.resolveChat(agent.ownerId, turn.selector, { agentId: agent.id });
  return { turn, model };
}

/** Total nanoseconds of `count` sequential builds. */
async function timeBatch(gateway: ModelGateway, agent: StoredAgent, count: number): Promise<bigint> {
  const startedAt = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) await build(gateway, agent);
  return process.hrtime.bigint() - startedAt;
}

/** Retained heap bytes per agent, with `count` agents kept alive across a full collection. */
async function retainedBytes(gateway: ModelGateway, agent: StoredAgent, count: number, gc: Gc): Promise<number> {
  const kept: RunnableAgent[] = new Array<RunnableAgent>(count);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < count; index += 1) kept[index] = await build(gateway, agent);
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== count || !kept[count - 1]?.model.model) throw new BenchFailure('lost an agent');
  return (after - before) / count;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function verdict(value: number, target: number, unit: string): string {
  const difference = Math.abs(value - target);
  const digits = 2;
  return value <= target
    ? `PASS (${difference.toFixed(digits)} ${unit} under)`
    : `MISS (${difference.toFixed(digits)} ${unit} over, ${(value / target).toFixed(1)}×)`;
}

interface VariantResult {
  readonly name: string;
  readonly meanMicroseconds: number;
  readonly medianMicroseconds: number;
  readonly batchMicroseconds: number[];
  readonly retainedKiB: number;
}

async function measure(
  name: string,
  gateway: ModelGateway,
  agent: StoredAgent,
  options: { iterations: number; warmups: number; batches: number },
  gc: Gc,
): Promise<VariantResult> {
  // The first build resolves the config and fills the gateway's cache; the warm-ups settle the JIT.
  await timeBatch(gateway, agent, options.warmups);
  const first = Number(await timeBatch(gateway, agent, options.iterations)) / options.iterations / 1_000;
  const batchMicroseconds = [first];
  for (let batch = 1; batch < options.batches; batch += 1) {
    batchMicroseconds.push(Number(await timeBatch(gateway, agent, options.iterations)) / options.iterations / 1_000);
  }
  const retainedKiB = (await retainedBytes(gateway, agent, options.iterations, gc)) / 1_024;
  return { name, meanMicroseconds: first, medianMicroseconds: median(batchMicroseconds), batchMicroseconds, retainedKiB };
}

async function main(): Promise<void> {
  const gc = requireGc();
  const options = {
    iterations: readBenchCount('BENCH_ITERATIONS', 1_000),
    warmups: readBenchCount('BENCH_WARMUPS', 10, 0),
    batches: readBenchCount('BENCH_BATCHES', 5),
  };
  const { gateway, agents } = setUp();
  const [inline, byId] = agents;
  if (!inline || !byId) throw new BenchFailure('no agents to build');
  const machine = describeMachine();
  console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, Node.js ${machine.node}, ${machine.platform}`);
  console.log(
    `${options.iterations} builds after ${options.warmups} warm-ups; median over ${options.batches} batches; model cache warm, no network\n`,
  );

  const results = [
    await measure('inline model_config', gateway, inline, options, gc),
    await measure('model_config_id', gateway, byId, options, gc),
  ];

  const rows = results.flatMap((result) => [
    [`${result.name}: time per agent (Agno method)`, `${result.meanMicroseconds.toFixed(2)} µs`, `≤ ${targetMicroseconds} µs`, verdict(result.meanMicroseconds, targetMicroseconds, 'µs')],
    [`${result.name}: time per agent (median of ${options.batches})`, `${result.medianMicroseconds.toFixed(2)} µs`, `≤ ${targetMicroseconds} µs`, verdict(result.medianMicroseconds, targetMicroseconds, 'µs')],
    [`${result.name}: retained memory per agent`, `${result.retainedKiB.toFixed(2)} KiB`, `≤ ${targetKiB} KiB`, verdict(result.retainedKiB, targetKiB, 'KiB')],
  ]);
  printAlignedTable(['figure', 'value', 'target', 'verdict'], rows);

  const summary = {
    bench: 'agent',
    date: new Date().toISOString(),
    machine,
    options,
    targets: { microseconds_per_agent: targetMicroseconds, kib_per_agent: targetKiB },
    variants: results.map((result) => ({
      name: result.name,
      microseconds_per_agent: Number(result.meanMicroseconds.toFixed(3)),
      median_microseconds_per_agent: Number(result.medianMicroseconds.toFixed(3)),
      batch_microseconds: result.batchMicroseconds.map((value) => Number(value.toFixed(3))),
      kib_per_agent: Number(result.retainedKiB.toFixed(3)),
      time_pass: result.meanMicroseconds <= targetMicroseconds,
      memory_pass: result.retainedKiB <= targetKiB,
    })),
  };
  console.log(`\nBENCH_RESULT ${JSON.stringify(summary)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchFailure ? `bench:agent failed: ${error.message}` : error);
  process.exitCode = 1;
});
