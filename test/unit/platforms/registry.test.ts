// platforms/registry.ts is the one list of chat platforms: the config's enums, people[].chat, the
// platforms section, the api's identities and the worker's adapters all follow it.
import { z } from 'zod';
import { configSchema } from '../../../config/schema';
import { ConfigError } from '../../../config/load';
import { PLATFORMS as IDENTITY_PLATFORMS } from '../../../api/identity';
import { PLATFORM_NAMES, PLATFORMS } from '../../../platforms/registry';
import { platformsFromConfig } from '../../../platforms/outbound';
import { testConfig } from '../../helpers/config';

type Json = { properties?: Record<string, Json>; items?: Json; enum?: string[]; anyOf?: Json[]; allOf?: Json[] };
const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Json;
const at = (node: Json, ...path: string[]): Json =>
  path.reduce<Json>((n, key) => (key === '[]' ? n.items! : (n.properties?.[key] ?? n.anyOf?.find((a) => a.properties?.[key])?.properties?.[key])!), node);

describe('the platform registry', () => {
  it('lists local, Slack, Teams, Discord and Mattermost, in that order', () => {
    expect(PLATFORM_NAMES).toEqual(['local', 'slack', 'teams', 'discord', 'mattermost']);
    expect(Object.keys(PLATFORMS)).toEqual(PLATFORM_NAMES);
  });

  it('drives the platform enum of routes and /kubectl channels', () => {
    expect(at(schema, 'routing', 'default', 'channels', '[]', 'platform').enum).toEqual(PLATFORM_NAMES);
    expect(at(schema, 'routing', 'rules', '[]', 'channels', '[]', 'platform').enum).toEqual(PLATFORM_NAMES);
    expect(at(schema, 'kubectl', 'channels', '[]', 'platform').enum).toEqual(PLATFORM_NAMES);
  });

  it('drives the keys of people[].chat and of the platforms section, each with a description', () => {
    const chat = at(schema, 'people', '[]', 'chat');
    const platforms = at(schema, 'platforms');
    expect(Object.keys(chat.properties!)).toEqual(PLATFORM_NAMES);
    expect(Object.keys(platforms.properties!)).toEqual(PLATFORM_NAMES);
    for (const name of PLATFORM_NAMES) {
      expect((chat.properties![name] as { description?: string }).description).toBe(PLATFORMS[name].userId);
      expect((platforms.properties![name] as { description?: string }).description).toEqual(expect.any(String));
    }
  });

  it('describes every key of every platform section (the config reference is generated from these texts)', () => {
    const undescribed = (node: Json & { description?: string; additionalProperties?: Json }, path: string): string[] => {
      const own = Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
        const c = child as Json & { description?: string };
        return [...(c.description ? [] : [`${path}.${key}`]), ...undescribed(c, `${path}.${key}`)];
      });
      const nested = [...(node.anyOf ?? []), ...(node.allOf ?? []), ...(node.items ? [node.items] : []), ...(typeof node.additionalProperties === 'object' ? [node.additionalProperties] : [])];
      return [...own, ...nested.flatMap((n) => undescribed(n, path))];
    };
    expect(PLATFORM_NAMES.flatMap((n) => undescribed(at(schema, 'platforms', n), `platforms.${n}`))).toEqual([]);
    expect(undescribed(at(schema, 'paging', 'pagerduty'), 'paging.pagerduty')).toEqual([]);
  });

  it('refuses a route to a platform it does not list, naming the ones it does', () => {
    const err = (() => {
      try {
        testConfig((raw) => (raw.routing.default.channels = [{ platform: 'carrier-pigeon', channel: 'ops' }]));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(/routing\.default\.channels\[0\]\.platform/);
    for (const name of PLATFORM_NAMES) expect(err!.message).toContain(`"${name}"`);
  });

  it('gives the api one identity source per platform plus api tokens', () => {
    expect([...IDENTITY_PLATFORMS]).toEqual([...PLATFORM_NAMES, 'api']);
  });

  it('builds a worker adapter for each enabled platform and none for the others', () => {
    const localOnly = testConfig();
    expect(Object.keys(platformsFromConfig(localOnly))).toEqual(['local']);
    const withDiscord = testConfig((raw) => {
      raw.platforms.discord = { enabled: true, applicationId: '123456789012345678', publicKey: 'a'.repeat(64), botToken: { fromEnv: 'T_REGISTRY_DISCORD' } };
    });
    const adapters = platformsFromConfig(withDiscord, () => withDiscord, { T_REGISTRY_DISCORD: 'bot-token' });
    expect(Object.keys(adapters)).toEqual(['local', 'discord']);
    expect(adapters.discord!.name).toBe('discord');
  });
});
