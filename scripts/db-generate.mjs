// `npm run db:generate -- --name <what>`: drizzle-kit generate, then make the new SQL schema-agnostic.
// drizzle-kit writes foreign keys as REFERENCES "public"."table". Migrations must follow the
// search_path instead, so that a deployment (or a test run) can keep its tables in another schema.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const generated = spawnSync('npx', ['drizzle-kit', 'generate', ...process.argv.slice(2)], { stdio: 'inherit' });
if (generated.status !== 0) process.exit(generated.status ?? 1);

const folder = new URL('../drizzle/', import.meta.url);
for (const file of readdirSync(folder).filter((name) => name.endsWith('.sql'))) {
  const path = new URL(file, folder);
  const before = readFileSync(path, 'utf8');
  const after = before.replaceAll('REFERENCES "public".', 'REFERENCES ');
  if (after !== before) writeFileSync(path, after);
}
