import { z } from 'zod';

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

// Blank variables are dropped before parsing (see loadConfig), so here a value is never empty.
const optionalText = z.string().trim().optional();

/** The environment variables Tiangong reads; docs/configuration.md documents each. */
export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8038),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  REDIS_URL: optionalText.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_PREFIX: z.string().min(1).default('tiangong:'),
  JWT_SECRET: optionalText.pipe(z.string().min(32, 'JWT_SECRET must be at least 32 characters').optional()),
  JWT_ISSUER: z.string().min(1).default('tiangong'),
  JWT_AUDIENCE: z.string().min(1).default('tiangong-api'),
  JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(2_592_000).default(86_400),
  ENCRYPTION_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$|^[0-9a-fA-F]{64}$/, 'ENCRYPTION_KEY must be 32 bytes as base64 or hex')
      .optional(),
  ),
  ADMIN_EMAIL: optionalText.pipe(z.email().optional()),
  ADMIN_PASSWORD: optionalText.pipe(z.string().min(8, 'ADMIN_PASSWORD must be at least 8 characters').optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: optionalText,
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  LOGIN_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
  LOGIN_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  TRUST_PROXY: booleanFromEnv.default(false),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  DEFAULT_MODEL: optionalText,
  DEFAULT_EMBEDDING_MODEL: optionalText,
  OS_SECURITY_KEY: optionalText,
  OS_SECURITY_USER: optionalText.pipe(z.email().optional()),
  ALLOWED_PRIVATE_HOSTS: optionalText,
  WORKSPACE_DIR: optionalText,
  SANDBOX_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  SANDBOX_MEMORY_MB: z.coerce.number().int().min(16).max(4096).default(128),
  SANDBOX_JS_WORKERS: z.coerce.number().int().min(1).max(32).default(1),
  SANDBOX_PYTHON_WORKERS: z.coerce.number().int().min(0).max(32).default(1),
  SEARXNG_URL: optionalText.pipe(z.url().optional()),
  TAVILY_API_KEY: optionalText,
  BING_SEARCH_API_KEY: optionalText,
  SMTP_URL: optionalText.pipe(z.url({ protocol: /^smtps?$/ }).optional()),
  SMTP_FROM: optionalText,
  KNOWLEDGE_MAX_DOCUMENT_MB: z.coerce.number().min(0.01).max(500).default(20),
  KNOWLEDGE_INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  KNOWLEDGE_EMBEDDING_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  WORKFLOW_QUEUE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
});

type Environment = z.output<typeof environmentSchema>;

/** The typed, frozen configuration every part of the server reads. */
export interface Config {
  readonly env: Environment['NODE_ENV'];
  readonly version: string;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimitBytes: number;
    readonly corsOrigins: readonly string[];
    readonly trustProxy: boolean;
  };
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly redis: { readonly url: string | undefined; readonly prefix: string };
  readonly auth: {
    readonly jwtSecret: string | undefined;
    readonly issuer: string;
    readonly audience: string;
    readonly tokenTtlSeconds: number;
    readonly adminEmail: string | undefined;
    readonly adminPassword: string | undefined;
    readonly loginRateLimit: { readonly max: number; readonly windowSeconds: number };
  };
  readonly encryptionKey: string | undefined;
  readonly logLevel: Environment['LOG_LEVEL'];
  readonly llm: {
    readonly openaiApiKey: string | undefined;
    readonly openaiBaseUrl: string | undefined;
    readonly defaultModel: string | undefined;
    readonly defaultEmbeddingModel: string | undefined;
  };
  /** The AgentOS face: its bearer key and the user (e-mail) the key acts as (default: the earliest admin). */
  readonly agentOs: { readonly securityKey: string | undefined; readonly securityUser: string | undefined };
  readonly tools: {
    /** Private hosts outbound requests may reach (host, host:port, IP or CIDR); everything else private is refused. */
    readonly allowedPrivateHosts: readonly string[];
    /** Where users' workspace files live; under DATA_DIR unless set. */
    readonly workspaceDir: string | undefined;
    readonly sandbox: {
      readonly timeoutMs: number;
      readonly memoryMb: number;
      readonly javascriptWorkers: number;
      readonly pythonWorkers: number;
    };
    readonly webSearch: {
      readonly searxngUrl: string | undefined;
      readonly tavilyApiKey: string | undefined;
      readonly bingApiKey: string | undefined;
    };
    readonly smtp: { readonly url: string | undefined; readonly from: string | undefined };
  };
  readonly knowledge: {
    /** Largest document ingested (upload, URL or text), in bytes. */
    readonly maxDocumentBytes: number;
    /** Documents this process ingests at once. */
    readonly ingestConcurrency: number;
    /** Retries of an embedding batch after 429s and transient provider errors. */
    readonly embeddingRetries: number;
  };
  readonly workflows: {
    /** Queued executions (async, webhook, batch) this process runs at once. */
    readonly queueConcurrency: number;
  };
}

/** A configuration problem found at start-up; its message lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A comma-separated variable as a list, blanks dropped. */
function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Reads and validates the environment into a frozen Config; throws ConfigError listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, version = '0.0.0'): Config {
  // A variable set to blanks (PORT= in a .env file) means "use the default", never "" or 0.
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value?.trim()));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const environment = parsed.data;
  return deepFreeze({
    env: environment.NODE_ENV,
    version,
    http: {
      port: environment.PORT,
      host: environment.HOST,
      bodyLimitBytes: environment.BODY_LIMIT_BYTES,
      corsOrigins: listOf(environment.CORS_ORIGINS),
      trustProxy: environment.TRUST_PROXY,
    },
    dataDir: environment.DATA_DIR,
    databaseUrl: environment.DATABASE_URL,
    redis: { url: environment.REDIS_URL, prefix: environment.REDIS_PREFIX },
    auth: {
      jwtSecret: environment.JWT_SECRET,
      issuer: environment.JWT_ISSUER,
      audience: environment.JWT_AUDIENCE,
      tokenTtlSeconds: environment.JWT_TTL_SECONDS,
      adminEmail: environment.ADMIN_EMAIL,
      adminPassword: environment.ADMIN_PASSWORD,
      loginRateLimit: {
        max: environment.LOGIN_RATE_LIMIT_MAX,
        windowSeconds: environment.LOGIN_RATE_LIMIT_WINDOW_SECONDS,
      },
    },
    encryptionKey: environment.ENCRYPTION_KEY,
    logLevel: environment.LOG_LEVEL,
    llm: {
      openaiApiKey: environment.OPENAI_API_KEY,
      openaiBaseUrl: environment.OPENAI_BASE_URL,
      defaultModel: environment.DEFAULT_MODEL,
      defaultEmbeddingModel: environment.DEFAULT_EMBEDDING_MODEL,
    },
    agentOs: { securityKey: environment.OS_SECURITY_KEY, securityUser: environment.OS_SECURITY_USER },
    tools: {
      allowedPrivateHosts: listOf(environment.ALLOWED_PRIVATE_HOSTS),
      workspaceDir: environment.WORKSPACE_DIR,
      sandbox: {
        timeoutMs: environment.SANDBOX_TIMEOUT_MS,
        memoryMb: environment.SANDBOX_MEMORY_MB,
        javascriptWorkers: environment.SANDBOX_JS_WORKERS,
        pythonWorkers: environment.SANDBOX_PYTHON_WORKERS,
      },
      webSearch: {
        searxngUrl: environment.SEARXNG_URL,
        tavilyApiKey: environment.TAVILY_API_KEY,
        bingApiKey: environment.BING_SEARCH_API_KEY,
      },
      smtp: { url: environment.SMTP_URL, from: environment.SMTP_FROM },
    },
    knowledge: {
      maxDocumentBytes: Math.round(environment.KNOWLEDGE_MAX_DOCUMENT_MB * 1024 * 1024),
      ingestConcurrency: environment.KNOWLEDGE_INGEST_CONCURRENCY,
      embeddingRetries: environment.KNOWLEDGE_EMBEDDING_RETRIES,
    },
    workflows: { queueConcurrency: environment.WORKFLOW_QUEUE_CONCURRENCY },
  });
}
