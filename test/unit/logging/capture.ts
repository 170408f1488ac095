// A pino destination that keeps the written lines, parsed, for the logging unit tests.
export interface Captured {
  destination: { write(line: string): void };
  raw: string[];
  entries(): Record<string, any>[];
}

export function capture(): Captured {
  const raw: string[] = [];
  return {
    destination: { write: (line) => void raw.push(line) },
    raw,
    entries: () => raw.map((l) => JSON.parse(l) as Record<string, any>),
  };
}
