/**
 * The exit statuses of `mav`. Scripts can rely on them; they are listed in the app's README and in
 * `mav --help`. Each kind of failure has exactly one (`error-exit.ts` maps the libraries' errors to them).
 */
export const exitCodes = {
  /** The command did what was asked. */
  ok: 0,
  /** An unexpected failure (a bug, or an error no other status describes). */
  internal: 1,
  /** Bad arguments: an unknown command or option, a malformed number, an unknown format, an empty -o. */
  usage: 2,
  /** The model cannot be used: no manifest at the given place, a broken manifest, a file that fails to load. */
  model: 3,
  /** The backend asked for cannot run here (e.g. CUDA without its execution provider). */
  backendUnavailable: 4,
  /** An input file (image, video) is missing, a folder, unreadable, or does not decode. */
  input: 5,
  /**
   * The output cannot be written, or not without losing something: an existing folder, link or input, an
   * existing file without --force, a folder without write permission, no encoder for the format.
   */
  output: 6,
  /** The run would need more memory than the limit (fewer frames or a smaller --size help). */
  memory: 7,
  /** The terminal went away (SIGHUP), 128 + 1; no output file is left behind. */
  hangup: 129,
  /** Interrupted by Ctrl-C (SIGINT), 128 + 2; no output file is left behind. */
  interrupted: 130,
  /** Stopped by SIGTERM (`kill`), 128 + 15; no output file is left behind. */
  terminated: 143,
} as const;

/** One of the statuses in {@link exitCodes}. */
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** The table printed at the end of `mav --help`. */
export const exitCodeHelp = `Exit status:
  0    success
  1    unexpected error (MAV_DEBUG=1 prints the stack)
  2    usage error (bad option value, unknown command, option or format, a value the model refuses)
  3    model error (no manifest, invalid manifest, weights or model files)
  4    backend unavailable (e.g. --backend cuda without its provider)
  5    input file missing, a folder, unreadable or not decodable
  6    output cannot be written (existing folder, link or input; existing file without --force;
       no permission; no encoder)
  7    not enough memory for the run (try fewer --frames or a smaller --size)
  129  hung up (SIGHUP); no partial output file is left
  130  interrupted (Ctrl-C, SIGINT); no partial output file is left
  143  terminated (SIGTERM); no partial output file is left`;

/** The signals `mav` handles, each with its status (128 + the signal's number, as shells report it). */
export const signalExitCodes = {
  SIGHUP: exitCodes.hangup,
  SIGINT: exitCodes.interrupted,
  SIGTERM: exitCodes.terminated,
} as const satisfies Partial<Record<NodeJS.Signals, ExitCode>>;

/** A signal in {@link signalExitCodes}. */
export type HandledSignal = keyof typeof signalExitCodes;
