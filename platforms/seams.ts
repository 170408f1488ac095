// The three seams a chat platform plugs into, one per process that loads it: its config (read by
// every process), its outbound side (the worker: an adapter of the ChatPlatform interface) and its
// inbound side (the api: routes that verify requests and turn them into Workflow Updates).
// Types only, so importing this file loads nothing.
import type { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/schema';
import type { ChatPlatform } from '../activities/chat/platform';
import type { StartupCheck } from '../activities/chat/startup';
import type { PostmortemReader } from '../api/postmortems';
import type { LocalChatStore } from './local/inbound/store';

export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

/** What platforms/registry.ts needs of a platform: `platforms/<name>/config.ts` exports one. */
export interface PlatformConfig {
  /** The schema of `platforms.<name>`, with a .describe() text on every key (the config reference). */
  schema: z.ZodType;
  /** What `people[].chat.<name>` holds (the platform's user id), for the config reference. */
  userId: string;
  /** Cross-references on the raw config (routes, roster ids), reported with the shape problems. */
  problems?: (cfg: Record<string, any>) => ConfigProblem[];
}

/** The enabled `platforms.<name>` section of the parsed config. */
export type Section<N extends keyof Config['platforms']> = NonNullable<Config['platforms'][N]>;

/** The worker's side: `platforms/<name>/outbound/index.ts` exports one. */
export interface OutboundPlatform<N extends keyof Config['platforms']> {
  /** The adapter, built once at start; `config` is the current config (a reload applies per call where the adapter reads it). */
  create(section: Section<N>, config: () => Config, env: NodeJS.ProcessEnv): ChatPlatform;
  /** A cheap check at start (token, scopes, channel access): `fatal` keeps the worker down. */
  startupCheck?(section: Section<N>, config: Config, env: NodeJS.ProcessEnv): Promise<StartupCheck>;
  /** Advice printed at start for settings that work but leave a known gap. */
  advice?(section: Section<N>, config: Config): string[];
}

export interface InboundDeps {
  config: Config;
  client: Client;
  /** Where secrets are read from. */
  env: NodeJS.ProcessEnv;
  postmortems: PostmortemReader;
  /** The local chat's message store, when a test brings its own (the caller then closes it). */
  chatStore?: LocalChatStore;
}

/** The api's side: `platforms/<name>/inbound/index.ts` exports one. It registers nothing when the platform is off. */
export interface InboundPlatform {
  register(app: FastifyInstance, deps: InboundDeps): Promise<void> | void;
}
