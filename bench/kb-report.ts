/**
 * The output of bench:kb: the ingestion and search tables with their ratios to the baselines,
 * PASS/MISS against the issue's targets for every target database, and one BENCH_RESULT line.
 */
import type { VectorStoreKind } from '../src/platform/vector-store/index.js';
import { printAlignedTable, type describeMachine } from './bench-kit.js';
import type { IngestionResult } from './kb-ingest.js';
import type { GroundTruth, SearchSeries } from './kb-search.js';
import type { TargetName } from './kb-target.js';
import { roundMs, type LatencySummary } from './latency-kit.js';

/** The issue's targets (set for PostgreSQL; PGlite is judged against them too, beside it). */
export const targets = { chunksPerSecond: 1_000, searchP50Ms: 5, recall: 0.95 };

/** What was measured on one database. */
export interface TargetReport {
  readonly name: TargetName;
  readonly location: string;
  readonly storeKind: VectorStoreKind;
  /** pgvector: whether the index was built once after the load, or kept up per document by the store. */
  readonly indexPolicy: 'deferred' | 'per-document';
  readonly baseline: { chunks: number; wallMs: number };
  readonly ingestion: IngestionResult;
  /** Building the HNSW index over every chunk after the load, or rebuilding it (pgvector only). */
  readonly indexMs: number | null;
  readonly search: SearchSeries;
  /** pgvector: the same queries with other hnsw.ef_search values (KB_BENCH_EF_SEARCH). */
  readonly efSweep: ReadonlyArray<{ efSearch: number; series: SearchSeries }>;
  /** The in-process store without an index (exact scans) on the same rows. */
  readonly exact: SearchSeries | null;
  readonly keywords: SearchSeries;
}

/** A target that was not measured, and why. */
export interface SkippedTarget {
  readonly name: TargetName;
  readonly skipped: string;
}

/** Everything the report needs. */
export interface ReportInput {
  readonly options: object;
  readonly machine: ReturnType<typeof describeMachine>;
  readonly truth: GroundTruth;
  readonly reports: ReadonlyArray<TargetReport | SkippedTarget>;
  readonly totalMs: number;
}

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const perSecond = (chunks: number, milliseconds: number) => (chunks * 1000) / milliseconds;
const ms = (value: number) => value.toFixed(2);

function isMeasured(report: TargetReport | SkippedTarget): report is TargetReport {
  return !('skipped' in report);
}

function storeName(kind: VectorStoreKind): string {
  return kind === 'pgvector' ? 'pgvector HNSW' : 'in-process store (IVF)';
}

/** From the first document queued until every chunk is searchable by the index (a deferred build included). */
function searchableMs(report: TargetReport): number {
  return report.ingestion.wallMs + (report.indexPolicy === 'deferred' ? (report.indexMs ?? 0) : 0);
}

function printIngestion(reports: readonly TargetReport[]): void {
  const rows = reports.flatMap((report) => {
    const { baseline, ingestion } = report;
    const baselineRate = perSecond(baseline.chunks, baseline.wallMs);
    const rate = perSecond(ingestion.chunks, ingestion.wallMs);
    const share = (part: number) => `${((100 * part) / ingestion.wallMs).toFixed(0)} % of wall`;
    const time = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;
    const deferred = report.storeKind === 'pgvector' && report.indexPolicy === 'deferred';
    const pipeline = `KnowledgeIngestion, ${storeName(report.storeKind)}${report.storeKind === 'pgvector' ? `, index ${report.indexPolicy}` : ''}`;
    const indexRows =
      report.indexMs === null
        ? []
        : [[report.name, deferred ? 'HNSW index built once, after the load' : 'HNSW index rebuilt over all chunks (extra)', integer(ingestion.chunks), time(report.indexMs), integer(perSecond(ingestion.chunks, report.indexMs)), '']];
    const untilSearchable = deferred
      ? [[report.name, 'load + index build (until searchable)', integer(ingestion.chunks), time(searchableMs(report)), integer(perSecond(ingestion.chunks, searchableMs(report))), (perSecond(ingestion.chunks, searchableMs(report)) / baselineRate).toFixed(2)]]
      : [];
    return [
      [report.name, `plain INSERT, scratch table (baseline)`, integer(baseline.chunks), time(baseline.wallMs), integer(baselineRate), '1.00'],
      [report.name, pipeline, integer(ingestion.chunks), time(ingestion.wallMs), integer(rate), (rate / baselineRate).toFixed(2)],
      [report.name, '  replaceDocumentChunks in flight *', '', time(ingestion.storeMs), share(ingestion.storeMs), ''],
      [report.name, '  begin/finishBulkLoad in flight *', '', time(ingestion.beginMs + ingestion.finishMs), share(ingestion.beginMs + ingestion.finishMs), ''],
      [report.name, '  CPU of this process (node; PGlite too)', '', time(ingestion.cpuMs), share(ingestion.cpuMs), ''],
      ...indexRows,
      ...untilSearchable,
    ];
  });
  printAlignedTable(['target', 'ingestion', 'chunks', 'time', 'chunks/s', 'ratio'], rows);
  console.log('* wall time during which such a call was running or waiting; with several documents at once it includes');
  console.log('  waiting for the other documents\' statements (PGlite runs one statement at a time).');
}

function searchRow(target: string, series: string, latency: LatencySummary, recall: number | null, reference: LatencySummary, note = ''): string[] {
  return [target, series, ms(latency.p50Ms), ms(latency.p99Ms), ms(latency.meanMs), recall === null ? '' : recall.toFixed(3), (latency.p50Ms / reference.p50Ms).toFixed(3), note];
}

/** When the first search loaded the vectors, and how long the index build took after it. */
function readyNote(series: SearchSeries): string {
  const seconds = (milliseconds: number) => `${(milliseconds / 1000).toFixed(1)} s`;
  const build = series.readyMs === null ? '' : `, then the IVF build ${seconds(series.readyMs)}`;
  return `first search ${seconds(series.firstMs)} (loads the vectors)${build}`;
}

function printSearch(reports: readonly TargetReport[], truth: GroundTruth): void {
  const reference = truth.latency;
  const rows = [
    searchRow('(node)', 'brute force in JS, exact (baseline)', reference, 1, reference),
    ...reports.flatMap((report) => [
      searchRow(report.name, `searchVectors, ${storeName(report.storeKind)}${report.storeKind === 'pgvector' ? ' (ef_search 200, default)' : ''}`, report.search.latency, report.search.recall, reference,
        report.storeKind === 'exact' ? readyNote(report.search) : ''),
      ...report.efSweep.map(({ efSearch, series }) =>
        searchRow(report.name, `searchVectors, pgvector HNSW, ef_search ${efSearch}`, series.latency, series.recall, reference)),
      ...(report.exact
        ? [searchRow(report.name, 'searchVectors, in-process store, exact scan', report.exact.latency, report.exact.recall, reference, readyNote(report.exact))]
        : []),
      searchRow(report.name, 'searchKeywords, top 40', report.keywords.latency, null, reference),
    ]),
  ];
  printAlignedTable(['target', 'search (top 10)', 'p50 ms', 'p99 ms', 'mean ms', 'recall@10', 'p50 ÷ brute force', 'note'], rows);
}

interface Verdict {
  readonly figure: string;
  readonly target: string;
  readonly cells: Map<TargetName, { value: number; pass: boolean; text: string }>;
}

function judge(reports: readonly TargetReport[]): Verdict[] {
  const verdict = (figure: string, target: string, measure: (report: TargetReport) => { value: number; pass: boolean; text: string }) => ({
    figure,
    target,
    cells: new Map(reports.map((report) => [report.name, measure(report)])),
  });
  return [
    verdict('ingestion chunks/s (until searchable)', `≥ ${integer(targets.chunksPerSecond)}`, (report) => {
      const value = perSecond(report.ingestion.chunks, searchableMs(report));
      const pass = value >= targets.chunksPerSecond;
      return { value, pass, text: `${integer(value)} ${pass ? 'PASS' : `MISS (${((100 * value) / targets.chunksPerSecond).toFixed(0)} % of target)`}` };
    }),
    verdict('search p50 (top 10)', `≤ ${targets.searchP50Ms} ms`, (report) => {
      const value = report.search.latency.p50Ms;
      const pass = value <= targets.searchP50Ms;
      return { value, pass, text: `${ms(value)} ms ${pass ? 'PASS' : `MISS (${(value / targets.searchP50Ms).toFixed(1)}×)`}` };
    }),
    verdict('recall@10', `≥ ${targets.recall}`, (report) => {
      const value = report.search.recall ?? 0;
      const pass = value >= targets.recall;
      return { value, pass, text: `${value.toFixed(3)} ${pass ? 'PASS' : 'MISS'}` };
    }),
  ];
}

function printVerdicts(reports: readonly TargetReport[], verdicts: readonly Verdict[]): void {
  const rows = verdicts.map((verdict) => [verdict.figure, verdict.target, ...reports.map((report) => verdict.cells.get(report.name)?.text ?? '')]);
  printAlignedTable(['figure', 'target', ...reports.map((report) => `${report.name} (${storeName(report.storeKind)})`)], rows);
  for (const report of reports) {
    if (report.storeKind !== 'exact') continue;
    console.log(
      `note: ${report.name} has no pgvector, so vector search runs in this process: an IVF index over the base's ` +
        `${integer(report.ingestion.chunks)} cached vectors, built in the background after the first search (exact scans ` +
        `meanwhile${report.exact ? `: p50 ${ms(report.exact.latency.p50Ms)} ms here` : ''}).`,
    );
  }
}

function seriesJson(series: SearchSeries | null) {
  if (!series) return null;
  const { latency } = series;
  return {
    p50_ms: roundMs(latency.p50Ms), p99_ms: roundMs(latency.p99Ms), mean_ms: roundMs(latency.meanMs), max_ms: roundMs(latency.maxMs),
    count: latency.count, recall_at_10: series.recall === null ? null : Number(series.recall.toFixed(4)), first_ms: roundMs(series.firstMs),
    ready_ms: series.readyMs === null ? null : roundMs(series.readyMs),
  };
}

/** Prints the three tables, the notes and the BENCH_RESULT line. */
export function printReport(input: ReportInput): void {
  const measured = input.reports.filter(isMeasured);
  for (const skipped of input.reports.filter((report): report is SkippedTarget => !isMeasured(report))) {
    console.log(`\n${skipped.name}: skipped, ${skipped.skipped}`);
  }
  if (measured.length > 0) {
    console.log('');
    printIngestion(measured);
    console.log('');
    printSearch(measured, input.truth);
    console.log('');
    printVerdicts(measured, judge(measured));
  }
  console.log(`\ntotal run time ${((input.totalMs) / 60_000).toFixed(1)} min`);
  const verdicts = judge(measured);
  const summary = {
    bench: 'kb',
    date: new Date().toISOString(),
    machine: input.machine,
    options: input.options,
    total_seconds: Number((input.totalMs / 1000).toFixed(1)),
    brute_force: seriesJson({ latency: input.truth.latency, recall: 1, firstMs: 0, readyMs: null }),
    targets: input.reports.map((report) =>
      isMeasured(report)
        ? {
            name: report.name,
            store: report.storeKind,
            baseline_chunks_per_second: Number(perSecond(report.baseline.chunks, report.baseline.wallMs).toFixed(1)),
            baseline_chunks: report.baseline.chunks,
            ingestion_chunks_per_second: Number(perSecond(report.ingestion.chunks, report.ingestion.wallMs).toFixed(1)),
            ingestion_seconds: Number((report.ingestion.wallMs / 1000).toFixed(1)),
            replace_seconds: Number((report.ingestion.storeMs / 1000).toFixed(1)),
            process_cpu_seconds: Number((report.ingestion.cpuMs / 1000).toFixed(1)),
            bulk_load_hooks_seconds: Number(((report.ingestion.beginMs + report.ingestion.finishMs) / 1000).toFixed(1)),
            index_policy: report.storeKind === 'pgvector' ? report.indexPolicy : null,
            index_build_seconds: report.indexMs === null ? null : Number((report.indexMs / 1000).toFixed(1)),
            searchable_chunks_per_second: Number(perSecond(report.ingestion.chunks, searchableMs(report)).toFixed(1)),
            vector_search: seriesJson(report.search),
            ef_search_sweep: report.efSweep.map(({ efSearch, series }) => ({ ef_search: efSearch, ...seriesJson(series) })),
            exact_scan_search: seriesJson(report.exact),
            keyword_search: seriesJson(report.keywords),
            pass: Object.fromEntries(verdicts.map((verdict) => [verdict.figure, verdict.cells.get(report.name)?.pass ?? false])),
          }
        : { name: report.name, skipped: report.skipped },
    ),
    goals: { chunks_per_second: targets.chunksPerSecond, search_p50_ms: targets.searchP50Ms, recall_at_10: targets.recall },
  };
  console.log(`BENCH_RESULT ${JSON.stringify(summary)}`);
}
