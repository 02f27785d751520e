#!/usr/bin/env node
// The admin CLI's launcher (`npx mantle-gateway ...`): loads the TypeScript sources through tsx, so the CLI runs
// without a build step, exactly the code the tests run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../admin/cli.ts');
process.exitCode = await main(process.argv.slice(2));
