import type { Backend } from '@mav/tensor';
import type { CascadeLike } from './cascade-types.js';
import type { ModelSelection } from './model-source.js';

/** A stream the CLI writes to. */
export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean };

/** Loads a cascade for a model selection onto a backend. */
export type ModelLoader = (options: {
  readonly selection: ModelSelection;
  readonly backend: Backend;
  readonly signal: AbortSignal;
}) => Promise<CascadeLike>;

/**
 * Everything a command needs from the outside world, so that tests can run the CLI in-process with their
 * own streams, working directory, environment and abort signal.
 */
export interface CliContext {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C. */
  readonly signal: AbortSignal;
  readonly loadModel: ModelLoader;
  /** Overrides where the embedded default model is looked for (tests). */
  readonly defaultManifestPath?: string;
  /**
   * Output paths being written right now (added and removed by `writeResult`). `main.ts` passes a set, so
   * that an exit that cannot wait (a second Ctrl-C) can still remove their temporary files.
   */
  readonly writing?: Set<string>;
}
