/**
 * `npm run bench:cluster -- <bench> [its arguments]`: one of the benches in this folder by name
 * (`wakeup-races 1000`), on the Node 24 that `npm ci` installs; each reads its own arguments.
 */
import { readdirSync } from 'node:fs';

const benches = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -'.ts'.length));
const name = process.argv[2]?.replace(/\.ts$/, '');
if (name === undefined || !benches.includes(name)) {
  process.stderr.write(`usage: npm run bench:cluster -- <${benches.join('|')}> [arguments]\n`);
  process.exit(2);
}
// The bench reads process.argv[2] onwards as if started directly.
process.argv.splice(2, 1);
await import(`./${name}.ts`);
