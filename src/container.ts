import { Redis } from 'ioredis';
import path from 'node:path';
import type { Config } from './config/config.js';
import type { Secrets } from './config/secrets.js';
import { ToolRegistry } from './engine/tools/tool-registry.js';
import { AgentsRepository } from './modules/agents/agents.repository.js';
import { AgentsService } from './modules/agents/agents.service.js';
import { ApiKeysRepository } from './modules/api-keys/api-keys.repository.js';
import { ApiKeysService } from './modules/api-keys/api-keys.service.js';
import { BranchesService } from './modules/agent-chat/branches.service.js';
import { AgentCalls, callAgentTool } from './modules/agent-chat/call-agent.tool.js';
import { ChatRunner } from './modules/agent-chat/chat-runner.js';
import { SecurityKeyAuthenticator } from './faces/agentos/agentos.security-key.js';
import { DelegationToolResolver } from './modules/main-agent/delegation-tools.js';
import { MainAgentService } from './modules/main-agent/main-agent.service.js';
import { OrchestrationRunner } from './modules/orchestration/orchestration-runner.js';
import { SwarmService } from './modules/swarm/swarm.service.js';
import { RunsRepository } from './modules/runs/runs.repository.js';
import { RunsService, type RunsTiming } from './modules/runs/runs.service.js';
import { ExecutionCallsRepository } from './modules/execution-logs/execution-calls.repository.js';
import { ExecutionLogsRepository } from './modules/execution-logs/execution-logs.repository.js';
import { ExecutionLogsService } from './modules/execution-logs/execution-logs.service.js';
import { ExecutionStatsRepository } from './modules/execution-logs/execution-stats.repository.js';
import { AuthService } from './modules/auth/auth.service.js';
import { UsersRepository } from './modules/auth/auth.repository.js';
import { systemClock, type Clock } from './platform/clock.js';
import { TokenService } from './platform/crypto/jwt.js';
import { createArgon2Hasher, type PasswordHasher } from './platform/crypto/password.js';
import { openDatabase, type DatabaseHandle } from './platform/db/database.js';
import { applyMigrations } from './platform/db/migrate.js';
import type { EventBus } from './platform/events/event-bus.js';
import { InMemoryEventBus } from './platform/events/event-bus.memory.js';
import { RedisEventBus } from './platform/events/event-bus.redis.js';
import { uuidV7Generator, type IdGenerator } from './platform/ids.js';
import type { JobQueue } from './platform/jobs/job-queue.js';
import { InMemoryJobQueue } from './platform/jobs/job-queue.memory.js';
import { createLogger, type Logger } from './platform/logger.js';
import type { RetryPolicy } from './platform/llm/retry-policy.js';
import { createModelServices, type ModelServices } from './container-models.js';
import { createToolServices, type ToolServices } from './container-tools.js';
import { createKnowledgeServices, type KnowledgeServices } from './container-knowledge.js';
import { runWorkflowTool } from './modules/workflow-executions/run-workflow.tool.js';
import { createWorkflowServices, type WorkflowServices } from './container-workflows.js';
import { createOrchestrationServices, type OrchestrationServices } from './container-orchestration.js';

/** Everything the process is made of, wired by hand: repositories -> services -> modules. */
export interface Container {
  readonly config: Config;
  readonly secrets: Secrets;
  readonly logger: Logger;
  readonly database: DatabaseHandle;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly tokens: TokenService;
  readonly passwords: PasswordHasher;
  readonly events: EventBus;
  readonly jobs: JobQueue;
  /** Shared Redis connection (rate limits) when REDIS_URL is set. */
  readonly redis: Redis | undefined;
  readonly tools: ToolRegistry;
  readonly services: {
    readonly auth: AuthService;
    readonly agents: AgentsService;
    readonly branches: BranchesService;
    readonly runs: RunsService;
    readonly runner: ChatRunner;
    readonly executionLogs: ExecutionLogsService;
    readonly orchestrationRunner: OrchestrationRunner;
    readonly swarm: SwarmService;
    readonly mainAgent: MainAgentService;
    readonly apiKeys: ApiKeysService;
    /** The AgentOS face's OS_SECURITY_KEY and the user it acts as. */
    readonly agentOsSecurityKey: SecurityKeyAuthenticator;
  } & ModelServices &
    Omit<ToolServices, 'close'> &
    KnowledgeServices &
    WorkflowServices &
    OrchestrationServices;
  /** Stops jobs, events and connections; the database last. */
  close(): Promise<void>;
}

/** Replaceable parts, for tests and for tools that embed the server. */
export interface ContainerOverrides {
  logger?: Logger;
  database?: DatabaseHandle;
  /** Skip migrations (the test kit migrates its template database once). */
  migrated?: boolean;
  clock?: Clock;
  ids?: IdGenerator;
  passwords?: PasswordHasher;
  /** Retry timing of model calls (tests shorten the waits). */
  retryPolicy?: RetryPolicy;
  /** Timing of durable runs (tests shorten heartbeats and waits). */
  runsTiming?: Partial<RunsTiming>;
  /** Waits between embedding retries during ingestion (tests shorten them). */
  embeddingRetry?: { initialDelayMs: number; maxDelayMs: number };
}

/** PGlite keeps its files in DATA_DIR/pglite, beside secrets.json and whatever else DATA_DIR holds. */
function embeddedDatabaseDir(config: Config): string {
  return config.dataDir.startsWith('memory://') ? config.dataDir : path.join(config.dataDir, 'pglite');
}

async function openMigratedDatabase(config: Config, logger: Logger, overrides: ContainerOverrides) {
  const database =
    overrides.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: embeddedDatabaseDir(config) }));
  if (!overrides.migrated) await applyMigrations(database);
  if (!database.vectorAvailable) {
    logger.warn('pgvector is not installed in this database: vector search will use exact scans');
  }
  return database;
}

/** Builds the container: opens and migrates the database, then creates every service. */
export async function createContainer(
  config: Config,
  secrets: Secrets,
  overrides: ContainerOverrides = {},
): Promise<Container> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const database = await openMigratedDatabase(config, logger, overrides);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? uuidV7Generator;
  const { auth: authConfig } = config;
  const tokens = new TokenService({
    secret: secrets.jwtSecret,
    issuer: authConfig.issuer,
    audience: authConfig.audience,
    ttlSeconds: authConfig.tokenTtlSeconds,
    clock,
  });
  const redisUrl = config.redis.url;
  const redis = redisUrl ? new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  redis?.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
  const events: EventBus = redisUrl
    ? new RedisEventBus({ url: redisUrl, prefix: `${config.redis.prefix}events:`, logger })
    : new InMemoryEventBus({ logger });
  const jobs = new InMemoryJobQueue({ ids, logger });
  const passwords = overrides.passwords ?? createArgon2Hasher();
  const users = new UsersRepository(database.db);
  const auth = new AuthService({
    users,
    passwords,
    tokens,
    clock,
    ids,
  });
  const tools = new ToolRegistry();
  const toolServices = await createToolServices({ config, secrets, db: database.db, logger, clock, ids, registry: tools });
  // Chat turns resolve their tools through it; a main agent's sub-agents become tools once agents exist (bind below).
  const delegation = new DelegationToolResolver(toolServices.tools);
  const models = await createModelServices({
    config,
    secrets,
    db: database.db,
    logger,
    events,
    clock,
    ids,
    retryPolicy: overrides.retryPolicy,
    tools: delegation,
    fetch: toolServices.http.fetch,
  });
  const runs = new RunsService({
    repository: new RunsRepository(database.db),
    events,
    clock,
    ids,
    logger,
    ...(overrides.runsTiming ? { timing: overrides.runsTiming } : {}),
  });
  const knowledge = createKnowledgeServices({
    config,
    database,
    gateway: models.gateway,
    workspace: toolServices.workspace,
    http: toolServices.http,
    jobs,
    runs,
    registry: tools,
    clock,
    ids,
    logger,
    embeddingRetry: overrides.embeddingRetry,
  });
  // Embedded: nobody else can be ingesting. PostgreSQL: only documents idle for 10 minutes are orphans.
  await knowledge.knowledgeIngestion.resumeUnfinished(config.databaseUrl ? 600_000 : 0);
  const runner = new ChatRunner({ chat: models.chat, runs, grounding: knowledge.knowledgeGrounding });
  const agents = new AgentsService({
    repository: new AgentsRepository(database.db),
    gateway: models.gateway,
    tools: toolServices.tools,
    knowledgeBases: knowledge.knowledgeBases,
    clock,
    ids,
  });
  const agentCalls = new AgentCalls({ agents, runner, runs });
  tools.register(callAgentTool(agentCalls));
  delegation.bind({ agents, calls: agentCalls });
  const orchestration = new OrchestrationRunner({ runs, runner });
  const swarm = new SwarmService({ agents, orchestration, conversations: models.conversations });
  const mainAgent = new MainAgentService({ agents });
  const apiKeys = new ApiKeysService({ repository: new ApiKeysRepository(database.db), agents, clock, ids });
  const workflowPlatform = {
    gateway: models.gateway,
    agents,
    runner,
    knowledge: { repository: knowledge.knowledgeRepository, search: knowledge.knowledgeSearch },
    tools: toolServices.tools,
    http: toolServices.http,
    sandbox: toolServices.sandbox,
  };
  const workflowServices = createWorkflowServices({
    db: database.db,
    secrets,
    runs,
    platform: workflowPlatform,
    clock,
    ids,
    jobs,
    events,
    queueConcurrency: config.workflows.queueConcurrency,
  });
  await workflowServices.executions.open();
  tools.register(runWorkflowTool({ executions: workflowServices.executions }));
  const orchestrationServices = createOrchestrationServices({
    db: database.db,
    runner: orchestration,
    agents,
    registry: workflowServices.nodeTypes,
    platform: workflowPlatform,
    clock,
    ids,
  });
  // After every resumable kind is registered: an embedded database belongs to this process alone,
  // so whatever it left running is dead (closed, or resumed when its kind can continue).
  await runs.open({ exclusive: !config.databaseUrl });
  tools.markReady();
  const executionLogs = new ExecutionLogsService({
    repository: new ExecutionLogsRepository(database.db),
    calls: new ExecutionCallsRepository(database.db),
    stats: new ExecutionStatsRepository(database.db),
    // Call records are written in batches; a log read flushes what this process still holds.
    flushCallRecords: async () => void (await Promise.all([models.recorder.flush(), toolServices.toolUsage.flush()])),
  });
  const branches = new BranchesService({
    conversations: models.conversations,
    runner,
    agents,
    clock,
    ids,
  });

  const agentOsSecurityKey = new SecurityKeyAuthenticator({ key: config.agentOs.securityKey, userEmail: config.agentOs.securityUser, users });

  if (authConfig.adminEmail && authConfig.adminPassword) {
    const outcome = await auth.ensureAdmin(authConfig.adminEmail, authConfig.adminPassword);
    logger.info({ email: authConfig.adminEmail, outcome }, 'administrator account checked');
  }

  return {
    config,
    secrets,
    logger,
    database,
    clock,
    ids,
    tokens,
    passwords,
    events,
    jobs,
    redis,
    tools,
    services: { auth, agents, branches, runs, runner, executionLogs, orchestrationRunner: orchestration, swarm, mainAgent, agentOsSecurityKey, apiKeys, ...models, ...toolServices, ...knowledge, ...workflowServices, ...orchestrationServices },
    async close() {
      await runs.close();
      await toolServices.close();
      await jobs.close();
      await models.recorder.flush();
      await events.close();
      await redis?.quit().catch(() => undefined);
      await database.close();
    },
  };
}
