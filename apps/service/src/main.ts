/**
 * `mav-service serve` (the HTTP API, its queue and local workers) and `mav-service worker` (one per machine
 * or GPU, on a shared Redis). This file owns the terminal: it parses the options, prints what the service
 * reports, and stops cleanly on SIGINT/SIGTERM. The next hops: `start-service.ts` and `worker/start-worker.ts`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { defaultPrefix, defaultQueueName } from './queue/redis-names.js';
import { ServiceConfigError } from './service-config-error.js';
import { startService } from './start-service.js';
import { startWorker } from './worker/start-worker.js';

function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`Expected an integer from ${min} to ${max}.`);
    }
    return value;
  };
}

const env = process.env;
const cwd = env.MAV_CWD ?? process.cwd();
const log = (line: string) => process.stderr.write(`mav-service: ${line}\n`);

/** Stops `stop` on the first SIGINT/SIGTERM; a second one exits at once. */
function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
      stopping = true;
      log(`${signal}: stopping`);
      stop().then(
        () => process.exit(0),
        (error) => {
          log(`while stopping: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    });
  }
}

const backendOption = () =>
  new Option('--backend <name>', 'onnxruntime-node provider: auto (CUDA when installed), cpu, cuda')
    .choices(['auto', 'cpu', 'cuda'])
    .default('auto');

const program = new Command('mav-service').description('The mav generation service and its workers.');

program
  .command('serve')
  .description('the HTTP API with its queue, and workers on this machine')
  .addOption(new Option('--host <address>', 'address to listen on').default('127.0.0.1'))
  .addOption(new Option('--port <n>', 'port (0: any free one)').argParser(integer(0, 65535)).default(8080))
  .addOption(
    new Option('--redis-url <url>', 'shared Redis for a fleet (default: MAV_REDIS_URL, else one machine)'),
  )
  .addOption(
    new Option('--queue <engine>', 'one machine: auto (private redis-server if installed) or memory')
      .choices(['auto', 'memory'])
      .default('auto'),
  )
  .addOption(
    new Option('--data <dir>', 'one-machine state: results/ and the private Redis').default(
      'mav-service-data',
    ),
  )
  .addOption(
    new Option(
      '--results <dir>',
      'results folder shared by every worker (default: MAV_RESULTS, else <data>/results)',
    ),
  )
  .addOption(
    new Option('--workers <n>', 'workers started here (default: 1 without --redis-url, else 0)').argParser(
      integer(0, 64),
    ),
  )
  .addOption(new Option('--worker-processes', 'run those workers as child processes'))
  .addOption(
    new Option(
      '--model <path>',
      'model folder or manifest; random:tiny (default: MAV_MODEL, the embedded model)',
    ),
  )
  .addOption(new Option('--threads <n>', 'CPU threads per worker').argParser(integer(1, 1024)))
  .addOption(backendOption())
  .addOption(
    new Option('--token <token>', 'bearer token every request must send (default: MAV_SERVICE_TOKEN)'),
  )
  .addOption(
    new Option('--rate-limit <n>', 'requests per minute per client (0: no limit)')
      .argParser(integer(0))
      .default(600),
  )
  .addOption(
    new Option('--max-queued <n>', 'queued jobs above which POST /v1/jobs answers 429')
      .argParser(integer(1))
      .default(100),
  )
  .addOption(
    new Option('--retry-after <s>', 'Retry-After of that 429, seconds').argParser(integer(1)).default(30),
  )
  .addOption(
    new Option('--max-upload-bytes <n>', 'decoded bytes per uploaded file')
      .argParser(integer(1))
      .default(4 * 1024 * 1024),
  )
  .addOption(
    new Option(
      '--lock-ms <n>',
      "a job's lock without renewal: how soon a dead worker's job moves on",
    ).argParser(integer(1000)),
  )
  .addOption(
    new Option('--stalled-ms <n>', 'how often workers look for stalled jobs').argParser(integer(100)),
  )
  .action(async (flags) => {
    // Secrets come from the environment too, never as defaults that --help would print.
    const redisUrl: string | undefined = (flags.redisUrl ?? env.MAV_REDIS_URL) || undefined;
    const service = await startService({
      host: flags.host,
      port: flags.port,
      redisUrl,
      queue: flags.queue,
      dataDirectory: flags.data,
      results: (flags.results ?? env.MAV_RESULTS) || undefined,
      queueName: defaultQueueName,
      prefix: defaultPrefix,
      workers: flags.workers ?? (redisUrl ? 0 : 1),
      workerProcesses: flags.workerProcesses === true,
      model: flags.model,
      threads: flags.threads,
      executionProvider: flags.backend,
      token: (flags.token ?? env.MAV_SERVICE_TOKEN) || undefined,
      rateLimit: flags.rateLimit === 0 ? false : { max: flags.rateLimit, windowMs: 60_000 },
      maxQueued: flags.maxQueued,
      retryAfterSeconds: flags.retryAfter,
      maxUploadBytes: flags.maxUploadBytes,
      lockDurationMs: flags.lockMs,
      stalledIntervalMs: flags.stalledMs,
      cwd,
      env,
      onLog: log,
    });
    process.stdout.write(`listening on ${service.url} (queue: ${service.engine})\n`);
    stopOnSignals(() => service.close());
  });

program
  .command('worker')
  .description('take jobs from a shared Redis queue with one loaded cascade (one per machine or GPU)')
  .addOption(new Option('--redis-url <url>', "the service's Redis (default: MAV_REDIS_URL)"))
  .addOption(
    new Option('--results <dir>', 'the shared results folder').default(
      env.MAV_RESULTS ?? 'mav-service-data/results',
    ),
  )
  .addOption(
    new Option(
      '--model <path>',
      'model folder or manifest; random:tiny (default: MAV_MODEL, the embedded model)',
    ),
  )
  .addOption(new Option('--threads <n>', 'CPU threads').argParser(integer(1, 1024)))
  .addOption(backendOption())
  .addOption(new Option('--name <name>', "shown as the job's worker"))
  .addOption(new Option('--queue-name <name>').default(defaultQueueName).hideHelp())
  .addOption(new Option('--prefix <prefix>').default(defaultPrefix).hideHelp())
  .addOption(new Option('--lock-ms <n>', "a job's lock without renewal").argParser(integer(1000)))
  .addOption(new Option('--stalled-ms <n>', 'how often to look for stalled jobs').argParser(integer(100)))
  .action(async (flags) => {
    const redisUrl: string | undefined = (flags.redisUrl ?? env.MAV_REDIS_URL) || undefined;
    if (redisUrl === undefined) throw new ServiceConfigError('worker needs --redis-url (or MAV_REDIS_URL).');
    const worker = await startWorker({
      redis: { url: redisUrl, queueName: flags.queueName, prefix: flags.prefix },
      results: flags.results,
      model: flags.model,
      threads: flags.threads,
      executionProvider: flags.backend,
      name: flags.name,
      lockDurationMs: flags.lockMs,
      stalledIntervalMs: flags.stalledMs,
      cwd,
      env,
      // One line per job event on stdout (what scripts watch); notes on stderr.
      onLog: (line) => (line.startsWith('job ') ? process.stdout.write(`${line}\n`) : log(line)),
    });
    stopOnSignals(() => worker.close({ force: true }));
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (ServiceConfigError.isInstance(error)) {
    log(error.message);
    process.exit(2);
  }
  log(`cannot start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
