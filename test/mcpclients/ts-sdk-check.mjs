#!/usr/bin/env node
// ts-sdk-check.mjs drives a stdio MCP server (or, with --url, a Streamable
// HTTP one) with the official TypeScript SDK client, the way a host embeds
// it, and prints one line per check ("ok   ..." or "FAIL ...").
// Exit 0 when every check passed, 1 otherwise, 2 on a usage error.
//
//   node ts-sdk-check.mjs [--pv VERSION | --mode auto]
//                         [--call 'TOOL=JSON' [--expect PATH=VALUE]...]... [--call-error 'TOOL=JSON']...
//                         -- SERVER_CMD [ARGS...]
//   node ts-sdk-check.mjs --url URL [--header 'Name: value']... [--pv VERSION]
//                         [--call 'TOOL=JSON' [--expect PATH=VALUE]...]... [--call-error 'TOOL=JSON']...
//
//   (neither)      @modelcontextprotocol/sdk 1.x with its default protocol version
//   --pv VERSION   the same client, with params.protocolVersion of `initialize`
//                  rewritten to VERSION; the server must answer exactly VERSION
//   --mode auto    @modelcontextprotocol/client 2.x, versionNegotiation 'auto':
//                  it probes server/discover on a sibling process first, then
//                  falls back to `initialize`
//   --call         a call that must succeed (isError false); with an outputSchema
//                  the SDK checks structuredContent, and so does ajv 2020-12 here
//   --expect PATH=VALUE  the --call before it must answer structuredContent
//                  whose dotted PATH (e.g. id) is VALUE as a string
//   --call-error   a call whose result must be isError:true with a text block
//   --url URL      the 1.x client's StreamableHTTPClientTransport to URL instead
//                  of a server command (no --mode auto); every request carries
//                  the --header values (requestInit.headers), e.g. a bearer token
//
// A stdio server inherits this process's environment (PAPERCLIP_*).
// Env: MCP_CHECK_TIMEOUT (whole run, seconds, default 30),
//      MCP_MAX_CONNECT_MS (default 2000).
import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const NAME_RE = /^[a-zA-Z0-9_-]{1,64}$/; // what Claude accepts for a tool name
const USAGE =
  "usage: ts-sdk-check.mjs [--pv VERSION | --mode auto] [--call 'TOOL=JSON']... [--call-error 'TOOL=JSON']... -- CMD [ARGS...]\n" +
  "       ts-sdk-check.mjs --url URL [--header 'Name: value']... [--pv VERSION] [--call 'TOOL=JSON' [--expect PATH=VALUE]...]... [--call-error 'TOOL=JSON']...";

function usage(msg) {
  if (msg) console.error(`ts-sdk-check: ${msg}`);
  console.error(USAGE);
  process.exit(2);
}

// expectFailure says how structuredContent misses the --expect values of a
// call (a dotted PATH whose value, as a string, must be VALUE), or '' when not.
function expectFailure(sc, expect = []) {
  for (const { path, want } of expect) {
    const got = path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), sc);
    if (String(got) !== want) return `structuredContent.${path} is ${JSON.stringify(got)}, want ${JSON.stringify(want)}`;
  }
  return '';
}

// parseCall splits 'TOOL=JSON' at the first '='.
function parseCall(spec) {
  const i = (spec ?? '').indexOf('=');
  if (i <= 0) usage(`bad call ${JSON.stringify(spec)}: want TOOL=JSON`);
  try {
    return { name: spec.slice(0, i), args: JSON.parse(spec.slice(i + 1)) };
  } catch (e) {
    return usage(`bad JSON in ${JSON.stringify(spec)}: ${e.message}`);
  }
}

const argv = process.argv.slice(2);
const httpMode = argv.includes('--url') && !argv.includes('--');
const dash = httpMode ? argv.length : argv.indexOf('--');
if (dash < 0 || dash === argv.length - 1) usage('missing -- SERVER_CMD');
const [command, ...commandArgs] = argv.slice(dash + 1);
let pv;
let mode;
let url;
const headers = {};
const calls = [];
const errorCalls = [];
for (let i = 0; i < dash; i++) {
  const opt = argv[i];
  const val = argv[i + 1];
  if (i + 1 >= dash) usage(`${opt} needs a value`);
  i++;
  if (opt === '--pv') pv = val;
  else if (opt === '--mode') mode = val;
  else if (opt === '--call') calls.push(parseCall(val));
  else if (opt === '--call-error') errorCalls.push(parseCall(val));
  else if (opt === '--expect') {
    const call = calls.at(-1);
    const e = val.indexOf('=');
    if (!call) usage('--expect follows the --call it checks');
    if (e <= 0) usage(`bad expect ${JSON.stringify(val)}: want PATH=VALUE`);
    (call.expect ??= []).push({ path: val.slice(0, e), want: val.slice(e + 1) });
  }
  else if (opt === '--url') url = val;
  else if (opt === '--header') {
    const c = val.indexOf(':');
    if (c <= 0) usage(`bad header ${JSON.stringify(val)}: want 'Name: value'`);
    headers[val.slice(0, c).trim()] = val.slice(c + 1).trim();
  } else usage(`unknown option ${opt}`);
}
if (mode !== undefined && mode !== 'auto') usage('--mode takes only auto');
if (mode && pv) usage('--pv and --mode are exclusive');
if (url !== undefined && mode) usage('--url works with the 1.x client only (no --mode)');
if (url !== undefined && command !== undefined) usage('--url and -- SERVER_CMD are exclusive');
if (url === undefined && Object.keys(headers).length) usage('--header needs --url');
if (url !== undefined) {
  try {
    url = new URL(url);
  } catch {
    usage(`bad --url ${JSON.stringify(url)}`);
  }
}

const timeoutS = Number(process.env.MCP_CHECK_TIMEOUT ?? 30);
const maxConnectMs = Number(process.env.MCP_MAX_CONNECT_MS ?? 2000);

let failed = 0;
const ok = (msg) => console.log(`ok   ${msg}`);
const fail = (msg) => {
  failed++;
  console.log(`FAIL ${msg}`);
};
const oneLine = (s, n = 300) => String(s).replace(/\s+/g, ' ').slice(0, n);

const v2 = mode === 'auto';
const pkgName = v2 ? '@modelcontextprotocol/client' : '@modelcontextprotocol/sdk';
const pkgVersion = JSON.parse(
  readFileSync(new URL(`./node_modules/${pkgName}/package.json`, import.meta.url), 'utf8'),
).version;
const { Client } = await import(v2 ? '@modelcontextprotocol/client' : '@modelcontextprotocol/sdk/client/index.js');
let transport;
if (url) {
  const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
  transport = new StreamableHTTPClientTransport(url, { requestInit: { headers } });
} else {
  const { StdioClientTransport } = await import(
    v2 ? '@modelcontextprotocol/client/stdio' : '@modelcontextprotocol/sdk/client/stdio.js'
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => typeof v === 'string'));
  transport = new StdioClientTransport({ command, args: commandArgs, env, stderr: 'inherit' });
}

// v1 only: rewrite the requested version, and see what the server answered
// (the SDK hands the answer to transport.setProtocolVersion when it exists;
// the HTTP transport's own one, kept, sends it as MCP-Protocol-Version).
// The v2 transport is left untouched: its 'auto' mode only uses a sibling
// probe process for the SDK's own StdioClientTransport.
let asked;
let answered;
if (!v2) {
  const send = transport.send.bind(transport);
  transport.send = (msg, opts) => {
    if (msg.method === 'initialize') {
      if (pv) msg.params = { ...msg.params, protocolVersion: pv };
      asked = msg.params.protocolVersion;
    }
    return send(msg, opts);
  };
  const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (v) => {
    answered = v;
    setProtocolVersion?.(v);
  };
}

const client = new Client(
  { name: 'paperclip-mcp-ts-sdk-check', version: '1.0.0' },
  {
    capabilities: {},
    // A stalled probe then shows up as a slow connect, not as a 60 s hang.
    ...(v2 ? { versionNegotiation: { mode: 'auto', probe: { timeoutMs: 5000 } } } : {}),
  },
);
// The SDK reports here a stdout line that is not JSON-RPC, or a dead server
// (over HTTP: a bad status, body or SSE stream).
client.onerror = (e) =>
  fail(
    url
      ? `transport error (HTTP): ${oneLine(e?.message ?? e, 200)}`
      : `transport error (a non-JSON-RPC stdout line, or the server died): ${oneLine(e?.message ?? e, 200)}`,
  );

const killer = setTimeout(() => {
  fail(`no result within ${timeoutS}s`);
  process.exit(1);
}, timeoutS * 1000);

try {
  const t0 = performance.now();
  await client.connect(transport);
  const ms = Math.round(performance.now() - t0);
  const server = client.getServerVersion();
  let label = `${pkgName}@${pkgVersion}`;
  if (url) label += ' over Streamable HTTP';
  if (v2) {
    answered = client.getNegotiatedProtocolVersion();
    label += ` auto (era ${client.getProtocolEra()})`;
  }
  const msg = `connect with ${label} in ${ms} ms: asked ${asked ?? 'by negotiation'}, server ${server?.name}/${server?.version} answered ${answered}`;
  if (ms > maxConnectMs) fail(`${msg}: slower than ${maxConnectMs} ms`);
  else if (pv && answered !== pv) fail(`${msg}: must answer the version asked`);
  else if (!v2 && answered !== asked) fail(`${msg}: must answer the version asked`);
  else ok(msg);

  // The SDK parses every page with its zod schema and throws on any bad tool.
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  if (tools.length === 0) fail('tools/list: no tools');
  else ok(`tools/list passed the SDK's schema: ${tools.length} tools`);

  const badNames = tools.filter((t) => !NAME_RE.test(t.name)).map((t) => JSON.stringify(t.name));
  if (badNames.length) fail(`tool names outside ${NAME_RE.source}: ${badNames.join(', ')}`);
  else ok(`every tool name matches ${NAME_RE.source}`);

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const outputValidators = new Map();
  let schemas = 0;
  let badSchemas = 0;
  for (const t of tools) {
    for (const key of ['inputSchema', 'outputSchema']) {
      const schema = t[key];
      if (schema === undefined) continue;
      schemas++;
      try {
        if (!ajv.validateSchema(schema)) throw new Error(ajv.errorsText(ajv.errors));
        const validate = ajv.compile(schema);
        if (key === 'outputSchema') outputValidators.set(t.name, validate);
      } catch (e) {
        badSchemas++;
        fail(`${t.name}.${key} is not valid JSON Schema 2020-12: ${oneLine(e.message)}`);
      }
    }
  }
  if (!badSchemas) ok(`all ${schemas} input/output schemas are valid JSON Schema 2020-12`);

  for (const { name, args, expect } of calls) {
    try {
      // With listTools done, the SDK itself rejects a missing or wrong structuredContent.
      const r = await client.callTool({ name, arguments: args });
      const text = (r.content ?? []).find((c) => c.type === 'text')?.text ?? '';
      const validate = outputValidators.get(name);
      if (r.isError) fail(`call ${name}: isError: ${oneLine(text, 200)}`);
      else if (validate && r.structuredContent === undefined) fail(`call ${name}: outputSchema but no structuredContent`);
      else if (validate && !validate(r.structuredContent)) {
        fail(`call ${name}: structuredContent violates outputSchema: ${oneLine(ajv.errorsText(validate.errors))}`);
      } else if (expectFailure(r.structuredContent, expect)) {
        fail(`call ${name}: ${expectFailure(r.structuredContent, expect)}`);
      } else {
        const what = validate ? 'structuredContent matches outputSchema' : `${r.content?.length ?? 0} content block(s)`;
        ok(`call ${name}: ${what}: ${oneLine(JSON.stringify(r.structuredContent ?? text), 120)}`);
      }
    } catch (e) {
      fail(`call ${name}: ${oneLine(e.message)}`);
    }
  }

  for (const { name, args } of errorCalls) {
    try {
      const r = await client.callTool({ name, arguments: args });
      const text = (r.content ?? []).find((c) => c.type === 'text' && c.text)?.text;
      if (r.isError !== true) fail(`call ${name}: expected isError:true, got a success`);
      else if (!text) fail(`call ${name}: isError:true without a text block`);
      else ok(`call ${name}: tool error as expected: ${oneLine(text, 160)}`);
    } catch (e) {
      fail(`call ${name}: expected a tool error (isError:true), got a protocol error: ${oneLine(e.message)}`);
    }
  }

  await client.ping().then(
    () => ok('ping'),
    (e) => fail(`ping: ${oneLine(e.message)}`),
  );
} catch (e) {
  fail(oneLine(e?.message ?? e));
} finally {
  clearTimeout(killer);
  await client.close().catch(() => {});
}
console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
process.exit(failed ? 1 : 0);
