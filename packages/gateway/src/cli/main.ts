import { Command } from 'commander';
import { modelsCommand } from './models.js';
import { listCommand, psCommand } from './ollama-listing.js';
import { pullCommand } from './pull.js';
import { reloadCommand } from './reload.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';

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
  .option('--watch-config', 'reload the config whenever its file changes (SIGHUP always reloads it)')
  .action(serveCommand);

program
  .command('models')
  .description('print the resolved model table with provider reachability')
  .option('-c, --config <file>', 'config file (env SWITCHYARD_CONFIG, default switchyard.yaml)')
  .action(modelsCommand);

for (const [name, description, action] of [
  ['list', "list a gateway's models, as `ollama list` does (GET /api/tags)", listCommand],
  ['ps', 'list the models a gateway has loaded, as `ollama ps` does (GET /api/ps)', psCommand],
  ['reload', 'make a gateway reload its config file, as SIGHUP does (POST /-/reload)', reloadCommand],
] as const) {
  program
    .command(name)
    .description(description)
    .option('--url <url>', 'gateway base URL (env SWITCHYARD_URL, default http://127.0.0.1:4000)')
    .option('--api-key <key>', 'a key of server.api_keys (env SWITCHYARD_API_KEY)')
    .action(action);
}

program
  .command('status')
  .description("print a gateway's providers, deployments, cooldowns and the last minute's rates")
  .option('--url <url>', 'gateway base URL (env SWITCHYARD_URL, default http://127.0.0.1:4000)')
  .option('--api-key <key>', 'a key of server.api_keys (env SWITCHYARD_API_KEY)')
  .option('-w, --watch [seconds]', 'redraw every few seconds (default 2) until interrupted')
  .action(statusCommand);

program
  .command('pull')
  .description(
    'pull a GGUF model into a gateway, as `ollama pull` does (POST /api/pull), with a progress bar',
  )
  .argument('<model>', "an http(s) URL of a GGUF file, or a name of the embedded provider's pull_registry")
  .option('--url <url>', 'gateway base URL (env SWITCHYARD_URL, default http://127.0.0.1:4000)')
  .option('--api-key <key>', 'a key of server.api_keys (env SWITCHYARD_API_KEY)')
  .option('--retries <n>', 'times an interrupted download is resumed', '3')
  .action(pullCommand);

await program.parseAsync(process.argv);
