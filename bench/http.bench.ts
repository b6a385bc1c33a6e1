/**
 * npm run bench:http — requests/s and latency of `GET /health` and of an authenticated
 * `GET /api/v1/auth/me` on the real app, each as a ratio to a bare fastify route measured in
 * the same run. docs/benchmarks.md explains how to run it and how to read the figures.
 *
 * autocannon runs in this same process as both servers, so on a small machine (2 cores) the load
 * generator competes with the server for CPU and the absolute figures are lower than a separate
 * load machine would show. That is acceptable here because every target, the baseline included,
 * is measured the same way, one after the other: the ratios compare like with like.
 */
import {
  BenchFailure,
  compareToBaseline,
  describeMachine,
  measureSequentially,
  printSummary,
  printTable,
  readBenchOptions,
  startBaselineServer,
  startTiangong,
  type BenchTarget,
  type LocalServer,
  type TiangongUnderTest,
} from './bench-kit.js';

function targetsFor(baseline: LocalServer, tiangong: TiangongUnderTest): BenchTarget[] {
  return [
    { name: 'baseline (bare fastify)', url: `${baseline.url}/` },
    { name: 'GET /health', url: `${tiangong.server.url}/health` },
    {
      name: 'GET /api/v1/auth/me',
      url: `${tiangong.server.url}/api/v1/auth/me`,
      headers: { authorization: `Bearer ${tiangong.accessToken}` },
    },
  ];
}

async function main(): Promise<void> {
  const options = readBenchOptions();
  const machine = describeMachine();
  console.log(`machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, ${machine.platform}`);
  console.log(
    `options: ${options.connections} connections, ${options.durationSeconds} s measured ` +
      `after ${options.warmupSeconds} s warm-up per target`,
  );

  const servers: LocalServer[] = [];
  try {
    const baseline = await startBaselineServer();
    servers.push(baseline);
    const tiangong = await startTiangong();
    servers.push(tiangong.server);

    const measurements = await measureSequentially(targetsFor(baseline, tiangong), options);
    const [baselineMeasurement] = measurements;
    if (!baselineMeasurement) throw new BenchFailure('the baseline was not measured');
    const comparisons = compareToBaseline(baselineMeasurement, measurements);
    console.log('');
    printTable(comparisons);
    console.log('');
    printSummary('http', options, comparisons);
  } finally {
    // allSettled so that one server failing to close still lets the others close.
    await Promise.allSettled(servers.map((server) => server.close()));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchFailure ? `bench failed: ${error.message}` : error);
  process.exitCode = 1;
});
