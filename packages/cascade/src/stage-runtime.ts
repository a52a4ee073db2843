import {
  type Backend,
  resolveBackend,
  type Session,
  type SessionOptions,
  UnsupportedError,
} from '@mav/tensor';
import type { StageName } from './manifest/manifest-schema.js';

/** A backend object, or the name of a registered backend (`registerBackend`). */
export type BackendChoice = Backend | string;

/** Backends by stage; `default` serves every stage not named. Omitted: the registry's best backend. */
export type StageBackends = { default?: BackendChoice | undefined } & Partial<
  Record<StageName, BackendChoice | undefined>
>;

/**
 * Owns the sessions of a cascade: creates each one lazily, on the backend chosen for its stage, when a stage
 * first needs a model of a given shape, and releases it when the stage is done unless `keepSessions`.
 */
export class StageRuntime {
  readonly keepSessions: boolean;
  readonly #backends: StageBackends;
  readonly #initialised = new WeakMap<Backend, Promise<void>>();
  readonly #sessions = new Map<string, Session>();
  /** Sessions kept only while `holdSessions` of their stage runs, by stage. */
  readonly #held = new Map<StageName, Map<string, Session>>();
  /** Sessions created so far (for tests and diagnostics). */
  sessionsCreated = 0;

  constructor(options: { backends?: StageBackends; keepSessions?: boolean }) {
    this.#backends = options.backends ?? {};
    this.keepSessions = options.keepSessions ?? false;
  }

  /** The backend of a stage, initialised. */
  async backend(stage: StageName): Promise<Backend> {
    const choice = this.#backends[stage] ?? this.#backends.default;
    if (choice === undefined) return resolveBackend();
    if (typeof choice === 'string') return resolveBackend([choice]);
    let ready = this.#initialised.get(choice);
    if (ready === undefined) {
      ready = choice.init();
      this.#initialised.set(choice, ready);
    }
    await ready;
    return choice;
  }

  /**
   * Runs `use` with the session of `stage` for the model `key` (built by `build` when there is none, with the
   * session options it returns besides the stage's label), then releases it unless sessions are kept.
   */
  async withSession<T>(
    stage: StageName,
    key: string,
    build: () => {
      modelBytes: Uint8Array;
      opTypes: readonly string[];
      sessionOptions?: Omit<SessionOptions, 'label'>;
    },
    use: (session: Session) => Promise<T>,
  ): Promise<T> {
    const id = `${stage}:${key}`;
    const held = this.keepSessions ? undefined : this.#held.get(stage);
    let session = this.#sessions.get(id) ?? held?.get(id);
    if (session === undefined) {
      const backend = await this.backend(stage);
      const built = build();
      checkOps(backend, stage, built.opTypes);
      session = await backend.createSession(built.modelBytes, { ...built.sessionOptions, label: stage });
      this.sessionsCreated++;
      if (this.keepSessions) this.#sessions.set(id, session);
      else held?.set(id, session);
    }
    try {
      return await use(session);
    } finally {
      if (!this.keepSessions && held === undefined) await session.release();
    }
  }

  /**
   * Runs `work` with the sessions of `stage` kept from one use to the next (a stage that runs its network
   * several times, such as SR_h chunk by chunk, builds each shape once), and releases them when it ends.
   * Nested holds of one stage share the outer one's sessions.
   */
  async holdSessions<T>(stage: StageName, work: () => Promise<T>): Promise<T> {
    if (this.keepSessions || this.#held.has(stage)) return work();
    const sessions = new Map<string, Session>();
    this.#held.set(stage, sessions);
    try {
      return await work();
    } finally {
      this.#held.delete(stage);
      await Promise.all([...sessions.values()].map((session) => session.release()));
    }
  }

  /** Number of sessions held open now. */
  get openSessions(): number {
    return this.#sessions.size;
  }

  /** Releases every kept session. */
  async dispose(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => session.release()));
  }
}

/**
 * Refuses, before any session is created, a graph that uses an ONNX operator the backend does not declare in
 * `capabilities.ops` (a backend would otherwise fail late, or run a fallback that is slow or wrong).
 */
function checkOps(backend: Backend, stage: StageName, opTypes: readonly string[]): void {
  const declared = new Set(backend.capabilities.ops);
  const missing = opTypes.filter((op) => !declared.has(op));
  if (missing.length > 0) {
    throw new UnsupportedError(
      `The ${stage} graph uses ONNX operator${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the backend '${backend.name}' does not declare (capabilities.ops); use a backend that runs ${missing.length > 1 ? 'them' : 'it'}.`,
    );
  }
}
