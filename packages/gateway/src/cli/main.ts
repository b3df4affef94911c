import { Command } from 'commander';
import { modelsCommand } from './models.js';
import { serveCommand } from './serve.js';

/** The `switchyard` command line. */
const program = new Command('switchyard').description(
  'OpenAI-compatible LLM gateway with an embedded llama.cpp engine',
);

program
  .command('serve')
  .description('serve the configured models over the OpenAI API')
  .option('-c, --config <file>', 'config file (env SWITCHYARD_CONFIG, default switchyard.yaml)')
  .option('--host <host>', 'address to bind (env SWITCHYARD_HOST, default 127.0.0.1)')
  .option('-p, --port <port>', 'port to listen on, 0 for any free port (env SWITCHYARD_PORT, default 4000)')
  .action(serveCommand);

program
  .command('models')
  .description('print the resolved model table with provider reachability')
  .option('-c, --config <file>', 'config file (env SWITCHYARD_CONFIG, default switchyard.yaml)')
  .action(modelsCommand);

await program.parseAsync(process.argv);
