// Loads and validates the one YAML config file. A bad file fails with every problem listed by its
// path and what was expected, so a person fixes it in one go instead of one error per restart.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, referenceProblems, type Config, type SecretRef } from './schema';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling against the configuration reference, docs/configuration.md`;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) message = `is required (${issue.message.replace(/^Invalid input: /, '')})`;
    return `${formatPath(issue.path)}: ${message}`;
  });
}

/** Validates an already-parsed object (tests and the YAML loader both come through here). */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const result = configSchema.safeParse(raw);
  const problems = [
    ...(result.success ? [] : formatIssues(result.error.issues)),
    ...referenceProblems(raw).map((p) => `${formatPath(p.path)}: ${p.message}`),
  ];
  if (problems.length > 0 || !result.success) throw new ConfigError(source, problems);
  return result.data;
}

export function parseConfigText(text: string, source = 'config'): Config {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new ConfigError(source, doc.errors.map((e) => `YAML syntax: ${e.message}`));
  return parseConfig(doc.toJS() ?? {}, source);
}

export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'ENOENT: there is no such file' : (code ?? String(err));
    throw new ConfigError(path, [`cannot read the file (${why}); pass --config <path> (or set CONFIG_FILE) with the path of your config file, e.g. config/example.yaml`]);
  }
  return parseConfigText(text, path);
}

/**
 * The config path a process uses: `--config <path>` or `--config=<path>`, else $CONFIG_FILE, else
 * ./config/example.yaml. A `--config` without a path is an error, never a silent fallback to the
 * example (the error would then name a file the person never gave).
 */
export function configPathFromArgs(argv = process.argv, env = process.env): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg === '--config' ? argv[i + 1] : arg.startsWith('--config=') ? arg.slice('--config='.length) : null;
    if (value === null) continue;
    if (!value || value.startsWith('--')) throw new ConfigError('--config', ['--config needs the path of a config file, e.g. --config config/example.yaml']);
    return value;
  }
  return env.CONFIG_FILE ?? 'config/example.yaml';
}

/** Reads a secret from the environment or a mounted file. Throws a message that names the source, never the value. */
export function readSecret(ref: SecretRef, env = process.env): string {
  if (ref.fromEnv) {
    const v = env[ref.fromEnv];
    if (!v) throw new Error(`secret environment variable ${ref.fromEnv} is not set`);
    return v;
  }
  try {
    return readFileSync(ref.fromFile!, 'utf8').trim();
  } catch {
    throw new Error(`secret file ${ref.fromFile} cannot be read`);
  }
}

/** Process entry helper: load the config or print every problem and exit 2. */
/**
 * Loads the config or exits with code 2. `report` says it: the service processes log it as their
 * fatal JSON line (one log format); command-line scripts keep the plain text on stderr.
 */
export function loadConfigOrExit(path?: string, report: (err: ConfigError) => void = (err) => process.stderr.write(`${err.message}\n`)): Config {
  try {
    return loadConfigFile(path ?? configPathFromArgs());
  } catch (err) {
    if (err instanceof ConfigError) {
      report(err);
      process.exit(2);
    }
    throw err;
  }
}
