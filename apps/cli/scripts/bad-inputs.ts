/**
 * Runs `mav` on bad inputs (arguments, paths, images, models, prompts, signals, pipes), each case as a real
 * process in a fresh temporary folder that holds a few files of the user's, and prints a Markdown table:
 * the exit status, the first line of the message, whether a file of the folder was lost or changed, and
 * whether a partial file was left. Not part of the tests; run it with
 *
 *   pnpm --dir apps/cli exec tsx --conditions=@mav/source scripts/bad-inputs.ts
 *
 * It takes a few minutes (each case starts node; a few run the random tiny cascade).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePng } from '@mav/video-io';
import { cliCommand, cliDirectory } from '../test/cli-helpers.js';
import { writeModelFolder } from '../test/model-folder.js';

const mavScript = fileURLToPath(new URL('../../../scripts/mav.sh', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** One bad input. */
interface BadInput {
  readonly area: 'arguments' | 'paths' | 'images' | 'models' | 'prompts' | 'signals' | 'pipes';
  readonly argv: readonly string[];
  /** Makes what the case needs in its folder (besides the files every folder has). */
  readonly setup?: (folder: string) => void;
  readonly env?: Readonly<Record<string, string>>;
  /** Run through `bash scripts/mav.sh` instead of node directly. */
  readonly viaScript?: boolean;
  /** Signals sent to the process alone, when a stderr line matches or a temporary file appears. */
  readonly signal?: { readonly at: RegExp | 'partial'; readonly send: readonly NodeJS.Signals[] };
  /** Pipe stdout (or stdout and stderr) into `true`, which has exited before mav writes anything. */
  readonly pipe?: 'stdout' | 'stdout and stderr';
  /** Run as the unprivileged user 'nobody' when this script runs as root (for permission cases). */
  readonly unprivileged?: boolean;
}

/** Flags that keep a run that gets going short: the random tiny cascade, one step, 2 key frames, 8x8. */
const fast = ['--model', 'random:tiny', '--steps', '1', '--frames', '2', '--size', '8', '--seed', '1'];
const longRun = ['--model', 'random:tiny', '--steps', '500', '--seed', '1'];
const largeOutput = ['--model', 'random:tiny', '--steps', '1', '--frames', '8', '--size', '1024'];

const root = mkdtempSync(join(tmpdir(), 'mav-bad-inputs-'));
chmodSync(root, 0o755);
const models = join(root, 'models');

function png(width: number, height: number, value: number): Uint8Array {
  return encodePng({ width, height, data: new Uint8Array(width * height * 3).fill(value) });
}

/** The random tiny model as `models/<name>`, changed as `options` say. */
function writeModel(name: string, options: Parameters<typeof writeModelFolder>[1] = {}): Promise<void> {
  return writeModelFolder(join(models, name), options);
}

async function writeModels(): Promise<void> {
  mkdirSync(join(models, 'empty'), { recursive: true });
  await writeModel('broken-json', {
    files: (folder) => writeFileSync(join(folder, 'manifest.json'), '{ "version": 1, '),
  });
  await writeModel('array', { manifest: () => [] });
  await writeModel('schema', {
    manifest: (manifest) => {
      manifest.stages.decoder!.resolution = 'big';
      manifest.stages.prior!.steps = -1;
    },
  });
  await writeModel('misfit', {
    manifest: (manifest) => {
      (manifest.stages.decoder!.network as Record<string, unknown>).baseChannels = 16;
    },
  });
  await writeModel('missing-file', { files: (folder) => rmSync(join(folder, 'decoder.safetensors')) });
  await writeModel('sha-mismatch', {
    files: (folder) => {
      const file = join(folder, 'prior.safetensors');
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
      writeFileSync(file, bytes);
    },
  });
}

/** What every case folder holds before the run: the user's files that must survive. */
function userFiles(folder: string): void {
  writeFileSync(join(folder, 'notes.txt'), 'my notes\n');
  writeFileSync(join(folder, 'photo.png'), png(6, 6, 180));
  mkdirSync(join(folder, 'photos'));
  writeFileSync(join(folder, 'photos', 'holiday.png'), png(4, 4, 60));
}

const cases: BadInput[] = [
  // Arguments: refused before the model loads.
  { area: 'arguments', argv: [] },
  { area: 'arguments', argv: ['generat', 'x'] },
  { area: 'arguments', argv: ['generate'] },
  { area: 'arguments', argv: ['generate', 'x', '--colour', 'red'] },
  { area: 'arguments', argv: ['generate', 'x', '--seed', 'abc'] },
  { area: 'arguments', argv: ['generate', 'x', '--seed=-1'] },
  { area: 'arguments', argv: ['generate', 'x', '--seed', '1e99'] },
  { area: 'arguments', argv: ['generate', 'x', '--seed', '0x10'] },
  { area: 'arguments', argv: ['generate', 'x', '--steps', '0'] },
  { area: 'arguments', argv: ['generate', 'x', '--steps', 'decodr=3'] },
  { area: 'arguments', argv: ['generate', 'x', '--steps', ','] },
  { area: 'arguments', argv: ['generate', 'x', '--frames', '2.5'] },
  { area: 'arguments', argv: ['generate', 'x', '--frames', '0'] },
  { area: 'arguments', argv: ['generate', 'x', '--frames', '100000'] },
  { area: 'arguments', argv: ['generate', 'x', '--fps', '0'] },
  { area: 'arguments', argv: ['generate', 'x', '--fps', 'fast'] },
  { area: 'arguments', argv: ['generate', 'x', '--guidance', 'lots'] },
  { area: 'arguments', argv: ['generate', 'x', '--guidance', '-1'] },
  { area: 'arguments', argv: ['generate', 'x', '--size', '64y64'] },
  { area: 'arguments', argv: ['generate', 'x', '--size', '1'] },
  { area: 'arguments', argv: ['generate', 'x', '--size', '99999'] },
  { area: 'arguments', argv: ['generate', 'x', '--format', 'avi'] },
  { area: 'arguments', argv: ['generate', 'x', '-o', 'clip.avi'] },
  { area: 'arguments', argv: ['generate', 'x', '-o', 'clip.mp4', '--format', 'gif'] },
  { area: 'arguments', argv: ['generate', 'x', '--backend', 'tpu'] },
  { area: 'arguments', argv: ['generate', 'x', '-o', 'cuda.mp4', '--backend', 'cuda', ...fast] },
  { area: 'arguments', argv: ['generate', 'x', '--threads', '0'] },
  { area: 'arguments', argv: ['variations'] },
  { area: 'arguments', argv: ['variations', 'x', '--count', '0'] },
  { area: 'arguments', argv: ['extrapolate', 'clip.mp4', '--direction', 'sideways'] },
  { area: 'arguments', argv: ['extrapolate', 'clip.mp4', '--input-frames', '0'] },
  { area: 'arguments', argv: ['interpolate', 'photo.png', 'photo.png', '--frames', '1'] },
  {
    area: 'arguments',
    argv: ['extrapolate', 'short.y4m', '-o', 'longer.mp4', ...fast, '--frames', '1'],
    setup: (folder) => writeFileSync(join(folder, 'short.y4m'), y4mClip()),
  },
  // Output paths.
  { area: 'paths', argv: ['generate', 'x', '-o', '', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', '.', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', './', '--force', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', 'photos', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', 'photos', '--force', ...fast] },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'dir.mp4', '--force', ...fast],
    setup: (folder) => {
      mkdirSync(join(folder, 'dir.mp4'));
      writeFileSync(join(folder, 'dir.mp4', 'inside.txt'), 'keep');
    },
  },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'old.mp4', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'old.mp4'), 'an older video'),
  },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'old.mp4', '--force', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'old.mp4'), 'an older video'),
  },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'link.mp4', '--force', ...fast],
    setup: (folder) => symlinkSync(join(folder, 'notes.txt'), join(folder, 'link.mp4')),
  },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'pipe.mp4', '--force', ...fast],
    setup: (folder) => {
      const made = spawnSyncOk('mkfifo', [join(folder, 'pipe.mp4')]);
      if (!made) throw new Error('mkfifo failed');
    },
  },
  { area: 'paths', argv: ['generate', 'x', '-o', 'notes.txt/out.mp4', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', 'notes.txt', '--format', 'png', '--force', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', 'new/deeper/out.mp4', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', 'frames', ...fast] },
  { area: 'paths', argv: ['generate', 'x', '-o', 'frames.mp4/', ...fast] },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'read-only/out.mp4', ...fast],
    setup: readOnly,
    unprivileged: true,
  },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'read-only/out.webm', ...fast],
    setup: readOnly,
    unprivileged: true,
  },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'read-only/out.gif', ...fast],
    setup: readOnly,
    unprivileged: true,
  },
  {
    area: 'paths',
    argv: ['generate', 'x', '-o', 'read-only/new/out.mp4', ...fast],
    setup: readOnly,
    unprivileged: true,
  },
  { area: 'paths', argv: ['animate', 'photo.png', '-o', 'photo.png', ...fast] },
  { area: 'paths', argv: ['animate', 'photo.png', '-o', 'photo.png', '--force', ...fast] },
  { area: 'paths', argv: ['animate', 'photo.png', '-o', 'photos/../photo.png', '--overwrite', ...fast] },
  {
    area: 'paths',
    argv: ['animate', 'photo.png', '-o', 'same.png', '--force', ...fast],
    setup: (folder) => linkSync(join(folder, 'photo.png'), join(folder, 'same.png')),
  },
  {
    area: 'paths',
    argv: ['variations', 'x', '--count', '3', '-o', 'v.gif', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'v-2.gif'), 'an older variation'),
  },
  {
    area: 'paths',
    argv: ['variations', '--image', 'v-1.png', '-o', 'v.png', '--force', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'v-1.png'), png(4, 4, 9)),
  },
  // Input images and videos.
  { area: 'images', argv: ['animate', 'missing.png', ...fast] },
  {
    area: 'images',
    argv: ['animate', 'text.png', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'text.png'), 'hello, this is text\n'),
  },
  { area: 'images', argv: ['animate', 'photos', ...fast] },
  {
    area: 'images',
    argv: ['animate', 'cut.png', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'cut.png'), png(16, 16, 1).subarray(0, 60)),
  },
  {
    area: 'images',
    argv: ['animate', 'empty.png', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'empty.png'), ''),
  },
  {
    area: 'images',
    argv: ['animate', 'secret.png', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'secret.png'), png(4, 4, 1), { mode: 0o000 }),
    unprivileged: true,
  },
  { area: 'images', argv: ['interpolate', 'photo.png', 'missing.png', ...fast] },
  {
    area: 'images',
    argv: ['extrapolate', 'text.mp4', ...fast],
    setup: (folder) => writeFileSync(join(folder, 'text.mp4'), 'not a video'),
  },
  { area: 'images', argv: ['extrapolate', 'photo.png', '-o', 'more.mp4', ...fast] },
  { area: 'images', argv: ['variations', '--image', 'photos', ...fast] },
  // Models.
  { area: 'models', argv: ['generate', 'x', '--model', 'no-such-model'] },
  { area: 'models', argv: ['generate', 'x', '--model', join(models, 'empty')] },
  { area: 'models', argv: ['generate', 'x', '--model', join(models, 'broken-json')] },
  { area: 'models', argv: ['generate', 'x', '--model', join(models, 'array')] },
  { area: 'models', argv: ['generate', 'x', '--model', join(models, 'schema')] },
  { area: 'models', argv: ['generate', 'x', ...fast.slice(2), '--model', join(models, 'misfit')] },
  { area: 'models', argv: ['generate', 'x', ...fast.slice(2), '--model', join(models, 'missing-file')] },
  { area: 'models', argv: ['generate', 'x', ...fast.slice(2), '--model', join(models, 'sha-mismatch')] },
  { area: 'models', argv: ['generate', 'x', '--model', 'random:huge'] },
  { area: 'models', argv: ['generate', 'x'], env: { MAV_MODEL: 'no-such-model' } },
  { area: 'models', argv: ['generate', 'x', '--model', 'random:tiny', '--frames', '1024', '--size', '4096'] },
  { area: 'models', argv: ['info', join(models, 'schema')] },
  // Prompts.
  { area: 'prompts', argv: ['generate', '', ...fast] },
  { area: 'prompts', argv: ['generate', '   ', ...fast] },
  { area: 'prompts', argv: ['animate', 'photo.png', '-p', ' ', ...fast] },
  { area: 'prompts', argv: ['generate', 'a ball '.repeat(2000), ...fast] },
  { area: 'prompts', argv: ['generate', 'ein roter Kreis 🔴 — ∞', ...fast] },
  // Signals, sent to that process alone.
  {
    area: 'signals',
    argv: ['generate', 'x', ...longRun],
    viaScript: true,
    signal: { at: /^decoder 1\/500 /m, send: ['SIGTERM'] },
  },
  {
    area: 'signals',
    argv: ['generate', 'x', ...longRun],
    viaScript: true,
    signal: { at: /^decoder 1\/500 /m, send: ['SIGINT'] },
  },
  {
    area: 'signals',
    argv: ['generate', 'x', ...longRun],
    signal: { at: /^decoder 1\/500 /m, send: ['SIGHUP'] },
  },
  { area: 'signals', argv: ['generate', 'x', ...largeOutput], signal: { at: 'partial', send: ['SIGTERM'] } },
  {
    area: 'signals',
    argv: ['generate', 'x', ...largeOutput],
    signal: { at: 'partial', send: ['SIGINT', 'SIGTERM'] },
  },
  {
    area: 'signals',
    argv: ['generate', 'x', ...largeOutput, '-o', 'frames'],
    signal: { at: 'partial', send: ['SIGINT'] },
  },
  // Closed pipes.
  { area: 'pipes', argv: ['--help'], pipe: 'stdout' },
  { area: 'pipes', argv: ['info', '--model', 'random:tiny'], pipe: 'stdout' },
  { area: 'pipes', argv: ['generate', 'x', '-o', 'piped.gif', ...fast], pipe: 'stdout and stderr' },
];

function readOnly(folder: string): void {
  mkdirSync(join(folder, 'read-only'), { mode: 0o555 });
  chmodSync(join(folder, 'read-only'), 0o555);
}

/** A tiny Y4M clip: 2 frames of 8x8. */
function y4mClip(): Uint8Array {
  const frame = new Uint8Array(8 * 8 * 1.5).fill(128);
  const header = new TextEncoder().encode('YUV4MPEG2 W8 H8 F8:1 Ip A1:1 C420jpeg\n');
  const marker = new TextEncoder().encode('FRAME\n');
  return Buffer.concat([header, marker, frame, marker, frame]);
}

function spawnSyncOk(command: string, args: string[]): boolean {
  return spawnSync(command, args).status === 0;
}

/** Every entry below `folder` (hidden ones too) with a digest of what it is. */
function snapshot(folder: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (directory: string, prefix: string) => {
    for (const name of readdirSync(directory)) {
      const path = join(directory, name);
      const info = lstatSync(path);
      const key = prefix + name;
      if (info.isDirectory()) {
        entries.set(key, 'dir');
        if (info.mode & 0o100) walk(path, `${key}/`);
      } else if (info.isFile()) {
        const readable = (info.mode & 0o444) !== 0;
        entries.set(
          key,
          readable ? createHash('sha1').update(readFileSync(path)).digest('hex') : 'unreadable',
        );
      } else {
        entries.set(key, info.isSymbolicLink() ? 'link' : 'other');
      }
    }
  };
  walk(folder, '');
  return entries;
}

interface Outcome {
  readonly status: string;
  readonly stdout: string;
  readonly stderr: string;
}

function run(testCase: BadInput, folder: string): Promise<Outcome> {
  const { command, args } = testCase.viaScript
    ? { command: 'bash', args: [mavScript, ...testCase.argv] }
    : cliCommand(testCase.argv);
  const env = { ...process.env, MAV_CWD: folder, MAV_MODEL: '', ...testCase.env };
  const asNobody = testCase.unprivileged && process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  let child: ChildProcess;
  if (testCase.pipe !== undefined) {
    const redirect = testCase.pipe === 'stdout and stderr' ? '2>&1 ' : '';
    child = spawn(
      'bash',
      ['-c', `"$@" ${redirect}| true; echo "status \${PIPESTATUS[0]}"`, 'bash', command, ...args],
      {
        cwd: cliDirectory,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } else {
    child = spawn(command, args, {
      cwd: testCase.viaScript ? folder : cliDirectory,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asNobody,
    });
  }
  let stdout = '';
  let stderr = '';
  let sent = false;
  const send = () => {
    if (sent || testCase.signal === undefined) return;
    sent = true;
    for (const signal of testCase.signal.send) child.kill(signal);
  };
  const watcher =
    testCase.signal?.at === 'partial'
      ? watch(folder, (_event, name) => {
          if (name?.endsWith('.partial')) send();
        })
      : undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (testCase.signal?.at instanceof RegExp && testCase.signal.at.test(stderr)) send();
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), 180_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(limit);
      watcher?.close();
      if (testCase.pipe !== undefined) {
        const piped = /status (\d+)/.exec(stdout);
        resolve({ status: piped?.[1] ?? '?', stdout: '', stderr });
        return;
      }
      resolve({ status: code === null ? `killed (${signal})` : String(code), stdout, stderr });
    });
  });
}

function shellWord(word: string): string {
  if (word.length > 40) return `"${word.slice(0, 14)}…" (${word.length} chars)`;
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/"/g, '\\"')}"`;
}

/** Table text: pipes escaped, and this machine's folders shown as <tmp>/... and <repo>/... . */
function cell(text: string): string {
  return text
    .replaceAll(root, '<tmp>')
    .replaceAll(repositoryRoot, '<repo>/')
    .replaceAll('|', '\\|')
    .replaceAll('`', "'");
}

function describeCommand(testCase: BadInput): string {
  const words = testCase.argv.map((word) =>
    word.startsWith(models) ? word.replace(`${models}/`, 'models/') : word,
  );
  const fastText = fast.join(' ');
  let shown = `mav ${words.map(shellWord).join(' ')}`.replace(fastText, '<fast>').trim();
  if (testCase.viaScript) shown = `bash scripts/mav.sh ${shown.slice(4)}`;
  if (testCase.env)
    shown = `${Object.entries(testCase.env)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')} ${shown}`;
  if (testCase.pipe) shown += testCase.pipe === 'stdout' ? ' | true' : ' 2>&1 | true';
  if (testCase.signal) {
    const at = testCase.signal.at === 'partial' ? 'while writing' : 'while denoising';
    shown += ` (${testCase.signal.send.join(' then ')} ${at})`;
  }
  if (testCase.unprivileged) shown += ' (as a normal user)';
  return shown;
}

function firstLine(outcome: Outcome): string {
  const lines = outcome.stderr.split('\n').filter((line) => line.trim() !== '');
  const message = lines.find((line) => line.startsWith('mav: ') && !line.startsWith('mav: note: '));
  if (message !== undefined) return message.length > 160 ? `${message.slice(0, 157)}...` : message;
  const written = outcome.stdout.split('\n').find((line) => line.startsWith('wrote '));
  if (written !== undefined) return `(stdout) ${written}`;
  return lines[0] === undefined ? '(nothing)' : lines[0].slice(0, 160);
}

function compare(before: Map<string, string>, after: Map<string, string>): { lost: string; partial: string } {
  const lost: string[] = [];
  for (const [name, digest] of before) {
    if (!after.has(name)) lost.push(`${name} gone`);
    else if (after.get(name) !== digest) lost.push(`${name} changed`);
  }
  const partial = [...after.keys()].filter((name) =>
    name.split('/').some((part) => part.endsWith('.partial')),
  );
  return {
    lost: lost.length === 0 ? 'no' : lost.join(', '),
    partial: partial.length === 0 ? 'no' : partial.join(', '),
  };
}

await writeModels();
const rows: string[] = [
  '| # | area | command (`<fast>` = --model random:tiny --steps 1 --frames 2 --size 8 --seed 1) | exit | first line of the message | lost or changed | partial left |',
  '|---|---|---|---|---|---|---|',
];
for (const [index, testCase] of cases.entries()) {
  const folder = join(root, `case-${index + 1}`);
  mkdirSync(folder, { mode: 0o755 });
  chmodSync(folder, 0o755);
  userFiles(folder);
  testCase.setup?.(folder);
  const before = snapshot(folder);
  process.stderr.write(`bad-inputs: ${index + 1}/${cases.length} ${describeCommand(testCase)}\n`);
  const outcome = await run(testCase, folder);
  const { lost, partial } = compare(before, snapshot(folder));
  rows.push(
    `| ${index + 1} | ${testCase.area} | \`${cell(describeCommand(testCase))}\` | ${outcome.status} | ${cell(firstLine(outcome))} | ${lost} | ${partial} |`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);
chmodSync(root, 0o700);
rmSync(root, { recursive: true, force: true });
