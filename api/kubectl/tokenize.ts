// Splits a /kubectl command line into words the way a shell would quote them, but never runs a
// shell: anything that would chain, pipe, redirect or substitute in a shell is refused with the
// reason, so nobody is surprised that `; rm -rf /` "did nothing".

export type TokenizeResult = { ok: true; words: string[] } | { ok: false; error: string };

const NO_SHELL =
  '/kubectl runs one read-only command through the Kubernetes API, without a shell: pipes, command chaining, redirection and command substitution are not available.';

/** Characters that mean something to a shell outside quotes, and what they are called. */
const OUTSIDE_QUOTES: Record<string, string> = {
  ';': 'command chaining ";"',
  '|': 'a pipe "|"',
  '&': 'background or chaining "&"',
  '<': 'input redirection "<"',
  '>': 'output redirection ">"',
  '\n': 'a line break (a second command)',
  '\r': 'a line break (a second command)',
};

export function tokenize(input: string): TokenizeResult {
  // Substitution runs even inside double quotes in a shell, so it is refused anywhere.
  if (input.includes('`')) return refuse('command substitution with backticks');
  if (input.includes('$(')) return refuse('command substitution "$("');
  if (input.includes('${')) return refuse('variable expansion "${"');

  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (quote === '"' && ch === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) word += input[++i];
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
      continue;
    }
    if (ch === '\\' && i + 1 < input.length && input[i + 1] !== '\n') {
      word += input[++i];
      inWord = true;
      continue;
    }
    if (OUTSIDE_QUOTES[ch]) {
      const what = ch === '&' && input[i + 1] === '&' ? 'command chaining "&&"' : ch === '|' && input[i + 1] === '|' ? 'command chaining "||"' : OUTSIDE_QUOTES[ch]!;
      return refuse(what);
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += ch;
    inWord = true;
  }
  if (quote) return { ok: false, error: `Refused: the ${quote === '"' ? 'double' : 'single'} quote opened in the command is never closed.` };
  if (inWord) words.push(word);
  return { ok: true, words };
}

function refuse(what: string): TokenizeResult {
  return { ok: false, error: `Refused: ${what} is shell syntax. ${NO_SHELL}` };
}

/** Quotes a word for display only if it needs it (the command echoed in the timeline). */
export function quoteWord(w: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'"'"'`)}'`;
}
