/** The one database schema: every table of every module, exported for drizzle and drizzle-kit. */
export * from './agents.js';
export * from './conversations.js';
export * from './model-configs.js';
export * from './users.js';
export * from './runs.js';
export * from './tools.js';
export * from './knowledge.js';
export * from './workflows.js';
export * from './node-templates.js';
export * from './orchestration-templates.js';
export * from './api-keys.js';
