/**
 * Puts a bench run's table into README.md, between the `bench-table` markers, with the run's header line.
 *
 * @example
 * npx tsx bench/readme-table.ts bench-results.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { formatMarkdown, type Row } from './report.js';

const [resultsPath = 'bench-results.json', readmePath = 'README.md'] = process.argv.slice(2);
const results = JSON.parse(readFileSync(resultsPath, 'utf8')) as { table: Row[]; node: string; cpus: number; loadAverage: [number, number]; startedAt: string; mode: string };
const header = `A ${results.mode} run on the development machine (${results.cpus} CPUs shared with other work, load average ${results.loadAverage.map((load) => load.toFixed(1)).join(' at the start, ')} at the end; Node ${results.node}; ${results.startedAt.slice(0, 10)}):`;
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf('<!-- bench-table -->');
const end = readme.indexOf('<!-- /bench-table -->');
if (start < 0 || end < start) throw new Error(`${readmePath} has no bench-table markers`);
writeFileSync(readmePath, `${readme.slice(0, start)}<!-- bench-table -->\n${header}\n\n${formatMarkdown(results.table)}\n${readme.slice(end)}`);
