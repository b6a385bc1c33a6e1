/** The one database schema: every table of every module, exported for drizzle and drizzle-kit. */
export * from './users.js';
