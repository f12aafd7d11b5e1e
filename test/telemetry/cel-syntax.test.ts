import { celSyntaxError } from '../../src/telemetry/cel-syntax';

/*
 * What Istio's webhook does with a Telemetry access-log filter: it parses the expression with a default CEL
 * environment (cel-go's parser; Istio 1.30 builds with cel-go v0.31.0) and refuses what does not parse. The two lists
 * below are expressions and how that parser judged them (run once through cel-go v0.31.0's cel.NewEnv().Parse, 140
 * of 140 agreeing with celSyntaxError): real filters from Istio's docs, and the corners of the grammar (literals,
 * escapes, reserved words, macros, message construction, optional syntax, escaped field names).
 */

/** Expressions cel-go parses. */
const PARSES: string[] = [
  "response.code >= 400",
  "response.code >= 400 || xds.cluster_name == 'BlackHoleCluster'",
  "request.headers['x-debug'] == 'true'",
  "has(request.headers.x)",
  "has(a.b, c)",
  "a ? b : c",
  "[1, 2, 3,]",
  "{'a': 1, 'b': 2,}",
  "{}",
  "[]",
  "a.all(x, x > 0)",
  "a.map(x, y, x + y)",
  "a.filter(x, x)",
  "!!a",
  "--1",
  "-a.b",
  "1u",
  "0x1F",
  "0x1Fu",
  "1.5e3",
  ".5",
  "\"a\\x41\"",
  "r\"a\\qb\"",
  "b'bytes'",
  "'''multi\nline'''",
  "x in [1, 2]",
  "a.if",
  "a.as",
  "true",
  "null == null",
  "google.protobuf.Int64Value{value: 1}",
  ".foo",
  ".foo.bar(1)",
  "a[0][1]",
  "f()",
  "a.b.c.d()",
  "1 < 2 < 3",
  "a == b == c",
  "a && b || c && !d",
  "a + - b",
  "connection.mtls && source.principal.startsWith('cluster.local')",
  "request.url_path.matches('^/api/.*')",
  "size(request.headers) > 0",
  "request.time > timestamp('2024-01-01T00:00:00Z')",
  "response.duration > duration('1s')",
  "a // comment\n || b",
  "'\\u00e9'",
  "'\\U0001F600'",
  "'\\377'",
  "a.`b`",
  "x{a: 1}",
  "x.y{a: 1, b: 2,}",
  "{a: 1}",
  "a in b in c",
  "1 ? 2 : 3 ? 4 : 5",
  "a.b(c).d[e].f",
  "\"\"\"x\"\"\"",
  "br'\\x'",
  "a.all(x, a.all(y, x < y))",
  "has(a.b.c)",
  "has(f().b)",
  "!a.b",
  "-(1)",
  "1 - -1",
  "\"a\" + 'b'",
  "a.exists(x, x == 'a') && b",
  "x{if: 1}",
  "x{`a.b`: 1}",
  "a.`b c`",
  "has(a.`b`)",
  "a.`b-c/d`",
  "a.if()",
  "a.`b.c`.d",
  "a.while",
  "xds.upstream_host == '10.0.0.1:8080'",
  "request.headers[':authority'].endsWith('.example.com')",
  "a.b.c == dyn(1)",
  "{1: 'a'}[1]",
  "[1,2][0] == 1",
  "!(a || b)",
  "int(x) % 2 == 0",
  "type(x) == string",
  "a.map(x, x, x, x)",
  "1 + 2 * 3 / 4 % 5 - 6",
  "f(a, b, c)",
  "a.b{}",
  "a.b{c: 1}.d",
];

/** Expressions cel-go refuses. */
const REFUSED: string[] = [
  "has(x)",
  "",
  "   ",
  "response.code >= ",
  "(a",
  "a)",
  "a ? b",
  "a.all(x.y, x > 0)",
  "a.exists_one(1, true)",
  "1.",
  "1e",
  "1e+",
  "1ea",
  "'abc",
  "\"a\\qb\"",
  "'a\nb'",
  "x in",
  "if",
  "as",
  "a.?b",
  "[?a]",
  "a[?0]",
  "f(,)",
  "f(a,)",
  "a +",
  "a + + b",
  "a /* x */",
  "a @ b",
  "a $ b",
  "'\\777'",
  "`x`",
  "x{1: 2}",
  "a[1:2]",
  "in",
  "123abc",
  "0x",
  "f(a)(b)",
  "(a)(b)",
  "'''abc''",
  "has(a[0])",
  "a.true",
  "a.in",
  "a.null",
  "`a`",
  "a.`b`()",
  "a.``",
  "a.`b",
  "if()",
  "x{true: 1}",
  ".if",
  "a ? b ? c : d : e",
  "a.exists(x,)",
  "(a){b: 1}",
];

describe('CEL syntax of access-log filters', () => {
  test.each(PARSES.map((e) => [e]))('%j parses', (e) => {
    expect(celSyntaxError(e)).toBeUndefined();
  });

  test.each(REFUSED.map((e) => [e]))('%j is refused', (e) => {
    expect(celSyntaxError(e)).toMatch(/ at column \d+$|^the expression is empty$/);
  });

  test('errors say what was expected and where', () => {
    expect(celSyntaxError('a &&')).toBe('unexpected end of the expression at column 5');
    expect(celSyntaxError('f(a,)')).toBe('unexpected ")" at column 5');
    expect(celSyntaxError("'abc")).toBe('unterminated string literal at column 1');
    expect(celSyntaxError('"a\\qb"')).toBe('invalid escape sequence in a string literal at column 3');
    expect(celSyntaxError('a.all(x.y, true)')).toBe('the first argument of the all() macro must be a simple name at column 3');
    expect(celSyntaxError('a.?b')).toMatch(/^optional field selection/);
    expect(celSyntaxError('(((((((((('.repeat(30) + 'a')).toMatch(/^nesting deeper than 250/);
  });
});
