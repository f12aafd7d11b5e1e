/**
 * A syntax check of Common Expression Language (CEL) text, as Istio's webhook applies it to Telemetry access-log
 * filters: istiod parses the expression with a default CEL environment and refuses what does not parse. Only the
 * syntax is checked (no types, no functions known or unknown), as there: the CEL grammar (cel-spec's language
 * definition: literals, operators with their precedence, member and index access, calls, lists, maps, messages),
 * reserved words, and the parse-time checks of the standard macros (`has(a.b)`; `all`, `exists`, `exists_one`, `map`,
 * `filter` bind a simple name). Optional syntax (`a.?b`, `[?x]`) is refused, as a default environment does.
 *
 * Written from the language definition; the error says what was expected and where.
 *
 * @internal
 */

type TokenKind = 'ident' | 'escaped' | 'number' | 'string' | 'punct' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based column of the token's first character. */
  readonly col: number;
}

/** Words CEL reserves: never an identifier (true, false and null are literals). */
const RESERVED = new Set(['as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
const LITERAL_WORDS = new Set(['true', 'false', 'null']);
const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}'];
const RELOPS = new Set(['<', '<=', '>', '>=', '==', '!=', 'in']);
/** Macros that bind a variable: `e.all(x, p)` and the like; `x` must be a simple name. */
const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** Thrown by the parser; {@link celSyntaxError} turns it into a message. */
class CelSyntaxError extends Error {}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  function err(msg: string, at = i): never {
    throw new CelSyntaxError(`${msg} at column ${at + 1}`);
  }
  while (i < src.length) {
    const c = src[i];
    if (/[\t\n\f\r ]/.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // string and bytes literals, with their r / b prefixes
    const prefix = /^(?:[rR][bB]?|[bB][rR]?)?(?=["'])/.exec(src.slice(i))?.[0];
    if (prefix !== undefined) {
      const raw = /[rR]/.test(prefix);
      i += prefix.length;
      const q = src[i];
      const triple = src.startsWith(q.repeat(3), i);
      const close = triple ? q.repeat(3) : q;
      i += close.length;
      for (;;) {
        if (i >= src.length) err('unterminated string literal', start);
        if (src.startsWith(close, i)) {
          i += close.length;
          break;
        }
        if (!triple && (src[i] === '\n' || src[i] === '\r')) err('newline in a string literal (use a triple-quoted string)', i);
        if (src[i] === '\\' && !raw) {
          const esc = /^\\(?:[abfnrtv\\?"'`]|[xX][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-3][0-7]{2})/.exec(src.slice(i));
          if (!esc) err('invalid escape sequence in a string literal', i);
          i += esc[0].length;
        } else if (src[i] === '\\' && raw && src[i + 1] === q && !triple) {
          i += 2;
        } else {
          i++;
        }
      }
      tokens.push({ kind: 'string', text: src.slice(start, i), col: start + 1 });
      continue;
    }
    if (c === '`') {
      const esc = /^`[a-zA-Z0-9_./ -]+`/.exec(src.slice(i));
      if (!esc) err('invalid escaped identifier: letters, digits, "_", ".", "-", "/" and spaces between backticks');
      i += esc[0].length;
      tokens.push({ kind: 'escaped', text: esc[0], col: start + 1 });
      continue;
    }
    if (/[_a-zA-Z]/.test(c)) {
      while (i < src.length && /[_a-zA-Z0-9]/.test(src[i])) i++;
      tokens.push({ kind: 'ident', text: src.slice(start, i), col: start + 1 });
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+[uU]?|[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|[0-9]+[uU]?)/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      if (i < src.length && /[_a-zA-Z0-9]/.test(src[i])) err(`invalid number literal "${src.slice(start, i + 1)}"`, start);
      tokens.push({ kind: 'number', text: num[0], col: start + 1 });
      continue;
    }
    const p = PUNCT.find((x) => src.startsWith(x, i));
    if (!p) err(`unexpected character "${c}"`);
    i += p.length;
    tokens.push({ kind: 'punct', text: p, col: start + 1 });
  }
  tokens.push({ kind: 'eof', text: '<EOF>', col: src.length + 1 });
  return tokens;
}

/** What the parser knows of a parsed expression: enough for the macro checks. */
interface Node {
  /** `ident` (a simple name), `select` (`a.b`), or anything else. */
  readonly type: 'ident' | 'select' | 'other';
}

const OTHER: Node = { type: 'other' };
/** Nesting beyond this is refused (cel-go refuses deep recursion too). */
const MAX_DEPTH = 250;

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  public parse(): void {
    this.expr();
    if (this.peek().kind !== 'eof') this.fail(`unexpected "${this.peek().text}"`);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.pos++];
  }

  private isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }

  private accept(text: string): boolean {
    if (this.isPunct(text)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(text: string): void {
    if (!this.accept(text)) this.fail(`expected "${text}" but found "${this.peek().text}"`);
  }

  private fail(msg: string, tok: Token = this.peek()): never {
    throw new CelSyntaxError(`${msg} at column ${tok.col}`);
  }

  private ident(): Token {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(`expected an identifier but found "${t.text}"`);
    if (RESERVED.has(t.text)) this.fail(`"${t.text}" is a reserved word`);
    if (LITERAL_WORDS.has(t.text) || t.text === 'in') this.fail(`expected an identifier but found "${t.text}"`);
    return this.next();
  }

  /**
   * A field name after "." or in a message initializer: any identifier, reserved words included (they are only
   * refused as variable names), or a backtick-escaped name (`escaped` says whether that is allowed here).
   */
  private fieldName(escaped: boolean): Token {
    const t = this.peek();
    if (t.kind === 'escaped' && escaped) return this.next();
    if (t.kind !== 'ident' || LITERAL_WORDS.has(t.text) || t.text === 'in') this.fail(`expected a field name but found "${t.text}"`);
    return this.next();
  }

  private expr(): Node {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    let n = this.or();
    if (this.accept('?')) {
      this.or();
      this.expect(':');
      this.expr();
      n = OTHER;
    }
    this.depth--;
    return n;
  }

  private or(): Node {
    let n = this.and();
    while (this.accept('||')) n = (this.and(), OTHER);
    return n;
  }

  private and(): Node {
    let n = this.relation();
    while (this.accept('&&')) n = (this.relation(), OTHER);
    return n;
  }

  private relation(): Node {
    let n = this.addition();
    for (;;) {
      const t = this.peek();
      if (!((t.kind === 'punct' || (t.kind === 'ident' && t.text === 'in')) && RELOPS.has(t.text))) return n;
      this.pos++;
      this.addition();
      n = OTHER;
    }
  }

  private addition(): Node {
    let n = this.multiplication();
    while (this.isPunct('+') || this.isPunct('-')) n = (this.pos++, this.multiplication(), OTHER);
    return n;
  }

  private multiplication(): Node {
    let n = this.unary();
    while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) n = (this.pos++, this.unary(), OTHER);
    return n;
  }

  private unary(): Node {
    if (this.isPunct('!') || this.isPunct('-')) {
      const op = this.peek().text;
      while (this.accept(op));
      this.member();
      return OTHER;
    }
    return this.member();
  }

  private member(): Node {
    let n = this.primary();
    for (;;) {
      if (this.accept('.')) {
        if (this.isPunct('?')) this.fail('optional field selection ".?" needs the optional-types extension, which Istio does not enable');
        const name = this.fieldName(true);
        if (this.isPunct('(')) {
          if (name.kind === 'escaped') this.fail('an escaped name cannot be called', name);
          const args = this.callArgs();
          if (COMPREHENSIONS.has(name.text) && (args.length === 2 || args.length === 3) && args[0].type !== 'ident') {
            this.fail(`the first argument of the ${name.text}() macro must be a simple name`, name);
          }
          n = OTHER;
        } else {
          n = { type: 'select' };
        }
      } else if (this.accept('[')) {
        if (this.isPunct('?')) this.fail('optional index "[?" needs the optional-types extension, which Istio does not enable');
        this.expr();
        this.expect(']');
        n = OTHER;
      } else if (this.isPunct('{') && (n.type === 'ident' || n.type === 'select')) {
        // message construction: a (qualified) type name followed by field initializers
        this.pos++;
        this.inits(() => this.fieldName(true), '}');
        n = OTHER;
      } else {
        return n;
      }
    }
  }

  private callArgs(): Node[] {
    this.expect('(');
    const args: Node[] = [];
    if (!this.isPunct(')')) {
      do args.push(this.expr());
      while (this.accept(','));
    }
    this.expect(')');
    return args;
  }

  /** `key: value` pairs up to `close`, with an optional trailing comma. */
  private inits(key: () => unknown, close: string): void {
    while (!this.accept(close)) {
      if (this.isPunct('?')) this.fail('optional entries "?" need the optional-types extension, which Istio does not enable');
      key();
      this.expect(':');
      this.expr();
      if (!this.accept(',')) {
        this.expect(close);
        return;
      }
    }
  }

  private primary(): Node {
    const t = this.peek();
    if (this.accept('.')) {
      this.ident();
      if (this.isPunct('(')) return (this.callArgs(), OTHER);
      return { type: 'select' };
    }
    if (t.kind === 'ident' && !LITERAL_WORDS.has(t.text)) {
      const name = this.ident();
      if (this.isPunct('(')) {
        const args = this.callArgs();
        if (name.text === 'has' && args.length === 1 && args[0].type !== 'select') {
          this.fail('invalid argument to has() macro: it takes one field selection such as has(request.headers.x)', name);
        }
        return OTHER;
      }
      return { type: 'ident' };
    }
    if (t.kind === 'ident' || t.kind === 'number' || t.kind === 'string') return (this.pos++, OTHER);
    if (this.accept('(')) {
      this.expr();
      this.expect(')');
      return OTHER;
    }
    if (this.accept('[')) {
      while (!this.accept(']')) {
        if (this.isPunct('?')) this.fail('optional entries "?" need the optional-types extension, which Istio does not enable');
        this.expr();
        if (!this.accept(',')) {
          this.expect(']');
          break;
        }
      }
      return OTHER;
    }
    if (this.accept('{')) {
      this.inits(() => this.expr(), '}');
      return OTHER;
    }
    return this.fail(t.kind === 'eof' ? 'unexpected end of the expression' : `unexpected "${t.text}"`);
  }
}

/** Why `expression` is not CEL, or undefined when it parses. */
export function celSyntaxError(expression: string): string | undefined {
  try {
    if (expression.trim() === '') return 'the expression is empty';
    new Parser(tokenize(expression)).parse();
    return undefined;
  } catch (e) {
    if (e instanceof CelSyntaxError) return e.message;
    throw e;
  }
}
