// Which config file a process reads, and what it says when that file is missing.
import { ConfigError, configPathFromArgs, loadConfigFile } from '../../../config/load';

const argv = (...args: string[]) => ['node', 'main.js', ...args];

describe('the config path from the command line', () => {
  it('takes --config <path> and --config=<path>', () => {
    expect(configPathFromArgs(argv('--config', 'mine.yaml'), {})).toBe('mine.yaml');
    expect(configPathFromArgs(argv('--cluster', 'dev', '--config=/etc/incidents/config.yaml'), {})).toBe('/etc/incidents/config.yaml');
  });

  it('falls back to CONFIG_FILE, then to the example, only when --config is absent', () => {
    expect(configPathFromArgs(argv(), { CONFIG_FILE: 'from-env.yaml' })).toBe('from-env.yaml');
    expect(configPathFromArgs(argv(), {})).toBe('config/example.yaml');
  });

  it('refuses a --config without a path instead of silently reading the example', () => {
    for (const args of [argv('--config'), argv('--config='), argv('--config', '--cluster', 'dev')]) {
      expect(() => configPathFromArgs(args, { CONFIG_FILE: 'from-env.yaml' })).toThrow(ConfigError);
      expect(() => configPathFromArgs(args, {})).toThrow(/--config needs the path of a config file/);
    }
  });
});

describe('a config file that does not exist', () => {
  it('names the path given and says there is no such file', () => {
    let error: unknown;
    try {
      loadConfigFile('conf/typo.yaml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'invalid config conf/typo.yaml:\n  - cannot read the file (ENOENT: there is no such file); pass --config <path> (or set CONFIG_FILE) with the path of your config file, e.g. config/example.yaml',
    );
  });
});
